/** Pieces every kind's HTML section uses: a data table and notes (warnings stand out). */
import { escapeXml as esc } from '../../core/text.js';

export function htmlTable(head: string[], rows: string[][], rowClass?: (i: number) => string): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r, i) => `<tr${rowClass ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

/** Notes as paragraphs; warnings (leading ⚠) stand out. */
export function notesHtml(lines: string[]): string {
  return lines.map((l) => (l.startsWith('⚠') ? `<p class="warn-note">${esc(l)}</p>` : `<p class="note">${esc(l)}</p>`)).join('');
}
