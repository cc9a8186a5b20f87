/**
 * One renderer per report kind, and one `render()` that every producer uses: the command that
 * wrote a report prints `render(report, 'human', …)`, and `dlpack report file.json` reads the file
 * and calls the same function — so both print the same bytes for the same data.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import { identifyReport, type LoadedReport } from '../../core/reports/read-report.js';
import type { AnyReport, ReportKind, ReportsByKind } from '../../core/reports/schemas.js';
import { annotationLine } from '../annotations.js';
import { junitDocument } from '../junit.js';
import type { HtmlContext, HumanOptions, KindRenderer } from '../render-types.js';
import { bench } from './bench.js';
import { bundle } from './bundle.js';
import { check } from './check.js';
import { init } from './init.js';
import { inspect } from './inspect.js';
import { platforms } from './platforms.js';
import { transform } from './transform.js';

export const RENDERERS: { [K in ReportKind]: KindRenderer<ReportsByKind[K]> } = { bench, bundle, transform, check, inspect, platforms, init };

/** The formats a report can be rendered in (json: the report itself). */
export type RenderFormat = 'human' | 'json' | 'markdown' | 'junit' | 'html';

/** The renderer of a loaded report, typed by its kind. */
function rendererOf(l: LoadedReport): KindRenderer<AnyReport> {
  return RENDERERS[l.kind] as KindRenderer<AnyReport>;
}

/** Formats a kind offers (`dlpack report --format`: table is human). */
export function formatsOf(kind: ReportKind): RenderFormat[] {
  const r = RENDERERS[kind] as KindRenderer<AnyReport>;
  return ['human', 'json', ...(['markdown', 'junit', 'html'] as const).filter((f) => r[f])];
}

/** A report as produced (its kind read from `schema`) or as read from a file. */
export function asLoaded(report: AnyReport | LoadedReport, file = ''): LoadedReport {
  return 'kind' in report && 'report' in report && 'file' in report ? (report as LoadedReport) : identifyReport(report, file);
}

const list = (reports: AnyReport | LoadedReport | (AnyReport | LoadedReport)[]) => (Array.isArray(reports) ? reports : [reports]).map((r) => asLoaded(r));

/** Throws a one-line USAGE error when a report's kind lacks `format`. */
export function assertFormat(reports: LoadedReport[], format: RenderFormat): void {
  const label = format === 'human' ? 'table' : format;
  for (const l of reports) {
    if (!formatsOf(l.kind).includes(format)) {
      throw new DlpackError('USAGE', `a ${l.kind} report has no ${label} format`, {
        file: l.file || undefined,
        hint: `${l.kind} reports render as ${formatsOf(l.kind).map((f) => (f === 'human' ? 'table' : f)).join(', ')}`,
      });
    }
  }
}

/** Terminal text: each report's table and lines, one after another. */
export function renderHuman(reports: AnyReport | LoadedReport | (AnyReport | LoadedReport)[], o: HumanOptions = {}): string {
  return list(reports).map((l) => rendererOf(l).human(l.report, o)).join('\n\n');
}

export function renderMarkdown(reports: AnyReport | LoadedReport | (AnyReport | LoadedReport)[]): string {
  const ls = list(reports);
  assertFormat(ls, 'markdown');
  return ls.map((l) => rendererOf(l).markdown!(l.report)).join('\n');
}

/** One JUnit document with a <testsuite> per report. */
export function renderJunit(reports: AnyReport | LoadedReport | (AnyReport | LoadedReport)[]): string {
  const ls = list(reports);
  assertFormat(ls, 'junit');
  return junitDocument(ls.map((l) => rendererOf(l).junit!(l.report)));
}

/** GitHub Actions `::error`/`::warning` lines for what went wrong (none for kinds without annotations). */
export function renderAnnotations(report: AnyReport | LoadedReport, options: { file?: string } = {}): string[] {
  const l = asLoaded(report);
  return (rendererOf(l).annotations?.(l.report) ?? []).map((a) => annotationLine(a, options.file));
}

/** One report's HTML <section> (the page around sections is html/page.ts). */
export function renderHtmlSection(l: LoadedReport, ctx: HtmlContext): string {
  assertFormat([l], 'html');
  return rendererOf(l).html!(l.report, ctx);
}

/**
 * A report (or several) in a text format: human tables, JSON (one report, or an array), Markdown,
 * JUnit. HTML needs the page and the config's budgets: see html/page.ts.
 */
export function render(reports: AnyReport | LoadedReport | (AnyReport | LoadedReport)[], format: Exclude<RenderFormat, 'html'>, o: HumanOptions = {}): string {
  const ls = list(reports);
  switch (format) {
    case 'human':
      return renderHuman(ls, o);
    case 'json':
      return JSON.stringify(ls.length === 1 ? ls[0].report : ls.map((l) => l.report), null, 2) + '\n';
    case 'markdown':
      return renderMarkdown(ls);
    case 'junit':
      return renderJunit(ls);
  }
}
