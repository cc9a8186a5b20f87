/**
 * The check report (`dlpack.check/1`), for `dlpack check` and `dlpack report check.json`: a row
 * per budget (status, where, limit, actual, noise, delta, baseline, note), the verdict and how it
 * was judged. Markdown (problems first, budgets met folded), JUnit (a case per budget),
 * annotations and the HTML section (share of each budget used). Cells come from check-rows.ts.
 */
import type { BudgetResult, CheckReport } from '../../core/reports/schemas.js';
import { escapeXml as esc } from '../../core/text.js';
import { formatPercent } from '../../core/units.js';
import { fitNote, fitTable, type Column } from '../fit-table.js';
import { htmlTable, notesHtml } from '../html/page-parts.js';
import { barChart } from '../html/svg-charts.js';
import { notesCase } from '../junit.js';
import { cell, table } from '../markdown.js';
import type { Annotation, HumanOptions, JunitCase, JunitSuite, KindRenderer } from '../render-types.js';
import { STATUS_ICON, STATUS_WORD, checkHeadline, checkNotes, rowActual, rowBaseline, rowDelta, rowLimit, rowNoise, rowSentence, rowWhere } from './check-rows.js';

function checkHuman(r: CheckReport, o: HumanOptions = {}): string {
  const withBaseline = r.results.some((x) => x.baseline);
  const withNotes = r.results.some((x) => x.reason);
  const withNoise = r.results.some((x) => x.noise);
  const cols: { col: Column; cell: (x: BudgetResult) => string }[] = [
    { col: { head: 'status' }, cell: (x) => (x.level === 'warn' && x.status === 'pass' ? 'pass (warn)' : STATUS_WORD[x.status]) },
    { col: { head: 'budget', wrap: true }, cell: (x) => x.label },
    { col: { head: 'where', wrap: true, drop: 2 }, cell: rowWhere },
    { col: { head: 'limit' }, cell: rowLimit },
    { col: { head: 'actual' }, cell: rowActual },
    ...(withNoise ? [{ col: { head: 'noise', drop: 4 }, cell: rowNoise }] : []),
    { col: { head: 'delta', drop: 3 }, cell: rowDelta },
    ...(withBaseline ? [{ col: { head: 'baseline', wrap: true, drop: 5 }, cell: rowBaseline }] : []),
    ...(withNotes ? [{ col: { head: 'note', wrap: true, max: 42, drop: 1 }, cell: (x: BudgetResult) => x.reason ?? '' }] : []),
  ];
  const width = o.verbose ? undefined : o.width;
  const t = fitTable(cols.map((c) => c.col), r.results.map((x) => cols.map((c) => c.cell(x))), { width });
  const notes = checkNotes(r);
  const lines = r.results.length ? [t.text, ...fitNote(t.hidden, width, o.verboseFlag)] : [];
  lines.push(`${r.pass ? 'PASS' : 'FAIL'}: ${checkHeadline(r)}`, ...notes);
  return lines.join('\n');
}

function checkMarkdown(r: CheckReport): string {
  const icon = r.pass ? (r.summary.warned ? '⚠️' : '✅') : '❌';
  const lines = [`### ${icon} dlpack check: ${checkHeadline(r)}`, ''];
  const withBaseline = r.results.some((x) => x.baseline);
  const withNoise = r.results.some((x) => x.noise);
  const head = ['Status', 'Budget', 'Where', 'Limit', 'Actual', ...(withNoise ? ['Noise'] : []), 'Delta', ...(withBaseline ? ['Baseline'] : []), 'Note'];
  const order = { fail: 0, missing: 1, warn: 2, pass: 3 } as const;
  const row = (x: BudgetResult) => [
    `${STATUS_ICON[x.status]} ${x.status}${x.level === 'warn' && x.status === 'pass' ? ' (warn level)' : ''}`,
    x.label,
    rowWhere(x),
    rowLimit(x),
    rowActual(x),
    ...(withNoise ? [rowNoise(x)] : []),
    rowDelta(x),
    ...(withBaseline ? [rowBaseline(x)] : []),
    x.reason ?? '',
  ];
  const sorted = [...r.results].sort((a, b) => order[a.status] - order[b.status]);
  const problems = sorted.filter((x) => x.status !== 'pass');
  const passed = sorted.filter((x) => x.status === 'pass');
  // Problems first and in full; budgets that held fold away so a long list stays readable in a PR.
  if (problems.length) lines.push(table(head, problems.map(row)), '');
  if (passed.length) {
    lines.push(`<details${problems.length ? '' : ' open'}><summary>${passed.length} budget${passed.length > 1 ? 's' : ''} met</summary>`, '', table(head, passed.map(row)), '', '</details>', '');
  }
  const how = [];
  if (r.tolerance) how.push(`timing and cost budgets with ${formatPercent(r.tolerance)} tolerance`);
  if (r.baselines.length) how.push(`regressions over ${formatPercent(r.maxRegression, true)} against ${r.baselines.join(', ')}`);
  if (how.length) lines.push(`<sub>${cell(how.join('; '))}</sub>`, '');
  for (const n of checkNotes(r)) lines.push(`<sub>${cell(n)}</sub>`, '');
  return lines.join('\n');
}

function checkJunit(r: CheckReport): JunitSuite {
  const cases = r.results.map((x) => {
    const c: JunitCase = { classname: `dlpack.${x.model}${x.target ? `.${x.target}` : ''}`, name: `${x.label} (${rowWhere(x)})` };
    const msg = rowSentence(x);
    if (x.status === 'fail') c.failure = { message: msg, type: x.baseline?.regression ? 'regression' : 'budget' };
    else if (x.status === 'missing') c.error = { message: msg, type: 'missing' };
    else c.out = x.status === 'warn' ? `WARNING: ${msg}` : msg;
    return c;
  });
  return { name: 'dlpack check', timestamp: r.createdAt, cases: [...cases, ...notesCase('dlpack.check', checkNotes(r))] };
}

function checkAnnotations(r: CheckReport): Annotation[] {
  const out: Annotation[] = r.results
    .filter((x) => x.status !== 'pass')
    .map((x) => ({ level: x.status === 'warn' ? 'warning' : 'error', title: x.status === 'missing' ? `dlpack: ${x.label} not measured` : `dlpack budget: ${x.label}`, message: rowSentence(x) }));
  for (const w of r.loadWarnings ?? []) out.push({ level: 'warning', title: 'dlpack check: machine under load', message: w });
  return out;
}

const STATUS_COLOUR = { pass: '#059669', warn: '#d97706', fail: '#dc2626', missing: '#9ca3af' } as const;

function checkHtml(r: CheckReport): string {
  const withNoise = r.results.some((x) => x.noise);
  const withBaseline = r.results.some((x) => x.baseline);
  const rows = r.results.map((x) => [STATUS_WORD[x.status], x.label, rowWhere(x), rowLimit(x), rowActual(x), ...(withNoise ? [rowNoise(x)] : []), rowDelta(x), ...(withBaseline ? [rowBaseline(x)] : []), x.reason ?? '']);
  // How much of each upper-limit budget is used (100% = at the limit).
  const used = r.results
    .filter((x) => x.direction === 'max' && x.actual !== undefined && x.limit > 0)
    .map((x) => ({ label: `${x.label}${x.memoryMb !== undefined ? ` · ${x.memoryMb} MB` : ''}`, value: Math.round((x.actual! / x.limit) * 1000) / 10, color: STATUS_COLOUR[x.status] }));
  const chart = used.length
    ? `<div class="charts">${barChart({ title: 'Share of each budget used', xLabel: '% of the limit', bars: used, budgets: [{ label: 'limit', value: 100 }], format: (v) => `${Number(v.toPrecision(3))}%`, width: 1100 })}</div>`
    : '';
  const head = ['status', 'budget', 'where', 'limit', 'actual', ...(withNoise ? ['noise'] : []), 'delta', ...(withBaseline ? ['baseline'] : []), 'note'];
  return `<section><h2>Budgets: ${esc(checkHeadline(r))}</h2>${notesHtml(checkNotes(r))}${chart}${htmlTable(head, rows, (i) => r.results[i].status)}</section>`;
}

export const check: KindRenderer<CheckReport> = { human: checkHuman, markdown: checkMarkdown, junit: checkJunit, html: checkHtml, annotations: checkAnnotations };
