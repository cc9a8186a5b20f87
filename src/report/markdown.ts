/**
 * GitHub-flavoured Markdown pieces every kind's `markdown()` uses (PR comments and
 * $GITHUB_STEP_SUMMARY): tables with escaped cells, notes in <sub>.
 */
import { markdownCell } from '../core/text.js';

export { markdownCell as cell } from '../core/text.js';

/** A Markdown table; every cell escaped. */
export function table(head: string[], rows: string[][]): string {
  const out = [`| ${head.map(markdownCell).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of rows) out.push(`| ${r.map(markdownCell).join(' | ')} |`);
  return out.join('\n');
}

/** Notes under a section, small. */
export function notes(lines: string[]): string[] {
  return lines.flatMap((n) => [`<sub>${markdownCell(n)}</sub>`, '']);
}

/** First letter upper-case (column heads shared with the terminal table). */
export function cap(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
