/**
 * Text that came from a model (tensor and node names, producer, external-data locations, handler
 * output) on its way to a terminal. One function escapes it, everywhere: the CLI's output sink
 * (every renderer prints through it) and every error line. Escaped: C0 controls (ESC, BEL, CR,
 * backspace...), DEL, C1 controls (U+0080–U+009F: 8-bit CSI/OSC), the bidirectional embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM: "Trojan Source" reordering)
 * and the line/paragraph separators. A crafted input name can then neither clear the screen, set
 * the window title, move the cursor to overwrite earlier lines nor reorder what is shown.
 * Escapes read like JavaScript's: `\x1B`, `\u202E`. The data itself (JSON reports, the model) is
 * never changed: only what is shown.
 * The escapers of the other output formats live here too (XML/HTML, Markdown table cells, GitHub
 * Actions workflow commands), so every format escapes in one place.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// the same, keeping newlines and tabs (multi-line rendered output)
// eslint-disable-next-line no-control-regex
const UNSAFE_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Escapes terminal controls and bidi overrides. `multiline` keeps `\n` and `\t` (rendered tables);
 * otherwise the result is guaranteed to be one line.
 */
export function escapeControls(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE_BLOCK : UNSAFE_LINE, escapeChar);
}

/** Longest model-derived string shown in an error or a table cell before it is cut. */
export const MAX_SHOWN_CHARS = 120;

/** A model-derived string for display: escaped, one line, cut to `max` characters (the cut is said). */
export function shownText(value: unknown, max = MAX_SHOWN_CHARS): string {
  const s = typeof value === 'string' ? value : String(value);
  const cut = s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
  return escapeControls(cut);
}

/** `shownText` in double quotes: how errors name a tensor, an input, a path from a model. */
export function quoted(value: unknown, max = MAX_SHOWN_CHARS): string {
  return `"${shownText(value, max)}"`;
}

/** Longest error message kept whole; longer ones keep their start and end (the problem is said last). */
export const MAX_MESSAGE_CHARS = 2000;

/** Caps a whole message: the start and the end are kept, the middle is cut and counted. */
export function capMessage(message: string, max = MAX_MESSAGE_CHARS): string {
  if (message.length <= max) return message;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  return `${message.slice(0, head)} … (${message.length - max} characters cut) … ${message.slice(message.length - tail)}`;
}

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text for a terminal: JSON.stringify already escapes C0 controls; this also writes DEL, C1
 * controls and bidi marks as `\uXXXX` escapes — still valid JSON, the same data when parsed.
 */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------- escaping for the report formats

/**
 * Text inside XML or HTML (JUnit documents, the HTML report and its inline SVG): characters XML 1.0
 * cannot hold are dropped, the markup ones escaped (`'` as `&#39;`, valid in XML and HTML alike).
 */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": '#39' }[c]};`);
}

/** Text for one cell of a GitHub-flavoured Markdown table: pipes and backslashes escaped, one line, no HTML. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

/** The data part of a GitHub Actions workflow command (`::error ...::data`): %, CR and LF escaped. */
export function workflowData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property of a workflow command (`file=`, `title=`): also `:` and `,`. */
export function workflowProperty(text: string): string {
  return workflowData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
