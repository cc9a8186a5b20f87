/**
 * How commands print a report: through its kind's one renderer (src/report/kinds), laid out for
 * where the output goes. On a terminal, tables fit its width (process.stdout.columns; 80 when a
 * TTY reports none), leaving out their least important columns and saying so; piped or redirected
 * output, and --verbose, get every column, so a saved table never depends on the terminal it came
 * from (and equals `dlpack report <file>` piped the same way).
 */
import type { AnyReport } from '../core/reports/schemas.js';
import { renderHuman } from '../report/kinds/index.js';
import type { HumanOptions } from '../report/render-types.js';

export { emitReport, TEXT_FORMATS } from '../report/emit.js';
export { REPORT_FORMATS, writeReports, type ReportFormat } from '../report/write-reports.js';

/** Width for tables on `out`: its columns on a TTY (80 when unknown), none (every column) otherwise. */
export function terminalWidth(out: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  if (!out.isTTY) return undefined;
  return out.columns && out.columns > 0 ? out.columns : 80;
}

/** Layout of a terminal rendering: width from stdout, unless `verbose` asks for everything. */
export function terminalOptions(o: { verbose?: boolean; verboseFlag?: string; maxRows?: number } = {}, out = process.stdout): HumanOptions {
  return { ...o, width: o.verbose ? undefined : terminalWidth(out) };
}

/** A report as its command prints it on this terminal. */
export function renderForTerminal(report: AnyReport, o: { verbose?: boolean; verboseFlag?: string; maxRows?: number } = {}): string {
  return renderHuman(report, terminalOptions(o));
}
