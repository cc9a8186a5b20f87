/**
 * Terminal tables that fit the terminal. Given a width (a TTY's columns), wrappable columns wrap
 * first (down to their longest word), then the least important columns are left out, one at a
 * time, until the table fits; the caller says which were left out (fitNote). Without a width
 * (output to a pipe or a file, or --verbose) every column is shown at its natural width, so what
 * is saved or piped never depends on the terminal it was produced in. Drawn with cli-table3.
 */
import Table from 'cli-table3';

export interface Column {
  head: string;
  /**
   * How readily the column is left out to fit: 0 (default) never; higher numbers go first.
   */
  drop?: number;
  /** The column's cells may wrap at spaces (down to their longest word). */
  wrap?: boolean;
  /** A wrapping column is never wider than this many characters, whatever the width (notes). */
  max?: number;
}

export interface FitOptions {
  /** Terminal width in characters; undefined = no limit (pipes, files, --verbose). */
  width?: number;
}

export interface Fitted {
  text: string;
  /** Heads of the columns left out to fit `width`. */
  hidden: string[];
}

const PLAIN = { style: { head: [] as string[], border: [] as string[] } };

/** Display length of a line (code points: the tables hold no double-width characters of their own). */
function length(s: string): number {
  return [...s].length;
}

function draw(columns: Column[], rows: string[][], keep: number[], widths?: (number | null)[]): string {
  const t = new Table({ head: keep.map((i) => columns[i].head), ...PLAIN, ...(widths ? { colWidths: widths, wordWrap: true } : {}) });
  for (const r of rows) t.push(keep.map((i) => r[i] ?? ''));
  return t.toString();
}

/** Width of a drawn table: its top border is one box-drawing character per column of text. */
function drawnWidth(text: string): number {
  return length(text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')));
}

/** Natural width (with padding) of each kept column, and the narrowest a wrappable one may get. */
function measure(columns: Column[], rows: string[][], keep: number[]): { natural: number[]; min: number[] } {
  const natural: number[] = [];
  const min: number[] = [];
  for (const i of keep) {
    const cells = [columns[i].head, ...rows.map((r) => r[i] ?? '')];
    const lines = cells.flatMap((c) => c.split('\n'));
    const widest = Math.max(1, ...lines.map(length));
    const longestWord = Math.max(1, ...lines.flatMap((l) => l.split(' ')).map(length));
    const cap = columns[i].wrap && columns[i].max ? Math.max(columns[i].max!, longestWord) : Infinity;
    natural.push(Math.min(widest, cap) + 2);
    min.push(columns[i].wrap ? Math.min(widest, longestWord) + 2 : widest + 2);
  }
  return { natural, min };
}

/** Draws `rows` under `columns`, fitted to `o.width` when one is given. */
export function fitTable(columns: Column[], rows: string[][], o: FitOptions = {}): Fitted {
  let keep = columns.map((_, i) => i);
  /** Natural widths, given to cli-table3 only where a cap made them narrower than the content. */
  const sized = (natural: number[]) => {
    const capped = keep.map((i, k) => (columns[i].max && natural[k] < measureOne(i) ? natural[k] : null));
    return capped.some((w) => w !== null) ? capped : undefined;
  };
  const measureOne = (i: number) => Math.max(1, ...[columns[i].head, ...rows.map((r) => r[i] ?? '')].flatMap((c) => c.split('\n')).map(length)) + 2;
  if (o.width === undefined) return { text: draw(columns, rows, keep, sized(measure(columns, rows, keep).natural)), hidden: [] };
  const width = Math.max(20, o.width);
  for (;;) {
    const { natural, min } = measure(columns, rows, keep);
    const borders = keep.length + 1;
    const total = natural.reduce((a, b) => a + b, 0) + borders;
    if (total <= width) {
      const text = draw(columns, rows, keep, sized(natural));
      if (drawnWidth(text) <= width || !dropOne()) return done(text);
      continue;
    }
    // Wrap: take one character at a time from the widest column that may still shrink.
    const widths = [...natural];
    let over = total - width;
    while (over > 0) {
      let widest = -1;
      for (let k = 0; k < widths.length; k++) if (widths[k] > min[k] && (widest < 0 || widths[k] > widths[widest])) widest = k;
      if (widest < 0) break;
      widths[widest]--;
      over--;
    }
    if (over <= 0) {
      const text = draw(columns, rows, keep, widths);
      if (drawnWidth(text) <= width || !dropOne()) return done(text);
      continue;
    }
    if (!dropOne()) return done(draw(columns, rows, keep, widths));
  }

  /** Leaves out the kept column most readily dropped (the rightmost of equals); false when none may go. */
  function dropOne(): boolean {
    let pick = -1;
    for (const i of keep) if ((columns[i].drop ?? 0) > 0 && (pick < 0 || (columns[i].drop ?? 0) >= (columns[pick].drop ?? 0))) pick = i;
    if (pick < 0) return false;
    keep = keep.filter((i) => i !== pick);
    return true;
  }

  function done(text: string): Fitted {
    return { text, hidden: columns.filter((_, i) => !keep.includes(i)).map((c) => c.head) };
  }
}

/** The line under a fitted table that says what was left out and how to see it. */
export function fitNote(hidden: string[], width: number | undefined, verboseFlag?: string): string[] {
  if (!hidden.length) return [];
  const how = `${verboseFlag ? `${verboseFlag}, ` : ''}a pipe or --json show${hidden.length > 1 ? ' them' : ' it'}`;
  const named = `(not shown to fit ${width} columns: ${hidden.join(', ')}; ${how})`;
  const counted = `(${hidden.length} column${hidden.length > 1 ? 's' : ''} not shown to fit ${width} columns; ${how})`;
  return [width === undefined || [...named].length <= width ? named : counted];
}
