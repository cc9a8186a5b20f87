/**
 * GitHub-flavoured Markdown for every report, for PR comments and $GITHUB_STEP_SUMMARY.
 */
import type { BenchReport, BundleReport, CheckReport, TransformReport } from '../../core/reports/schemas.js';
import type { LoadedReport } from '../../core/reports/read-report.js';
import { formatBytes, formatMs, formatPercent, formatUsd } from '../../core/units.js';
import { STATUS_ICON, checkHeadline, checkNotes, rowActual, rowBaseline, rowDelta, rowLimit, rowNoise, rowWhere } from './check-rows.js';
import { benchNotes, contentionCell, cpuCell, LOAD_HEADS, wallCell } from './bench-cells.js';

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

function table(head: string[], rows: string[][]): string {
  const out = [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of rows) out.push(`| ${r.map(cell).join(' | ')} |`);
  return out.join('\n');
}

export function checkMarkdown(report: CheckReport): string {
  const icon = report.pass ? (report.summary.warned ? '⚠️' : '✅') : '❌';
  const lines = [`### ${icon} dlpack check: ${checkHeadline(report)}`, ''];
  const withBaseline = report.results.some((r) => r.baseline);
  const withNoise = report.results.some((r) => r.noise);
  const head = ['Status', 'Budget', 'Where', 'Limit', 'Actual', ...(withNoise ? ['Noise'] : []), 'Delta', ...(withBaseline ? ['Baseline'] : []), 'Note'];
  const order = { fail: 0, missing: 1, warn: 2, pass: 3 } as const;
  const row = (r: CheckReport['results'][number]) => [
    `${STATUS_ICON[r.status]} ${r.status}${r.level === 'warn' && r.status === 'pass' ? ' (warn level)' : ''}`,
    r.label,
    rowWhere(r),
    rowLimit(r),
    rowActual(r),
    ...(withNoise ? [rowNoise(r)] : []),
    rowDelta(r),
    ...(withBaseline ? [rowBaseline(r)] : []),
    r.reason ?? '',
  ];
  const sorted = [...report.results].sort((a, b) => order[a.status] - order[b.status]);
  const problems = sorted.filter((r) => r.status !== 'pass');
  const passed = sorted.filter((r) => r.status === 'pass');
  // Problems first and in full; budgets that held fold away so a long list stays readable in a PR.
  if (problems.length) lines.push(table(head, problems.map(row)), '');
  if (passed.length) {
    lines.push(`<details${problems.length ? '' : ' open'}><summary>${passed.length} budget${passed.length > 1 ? 's' : ''} met</summary>`, '', table(head, passed.map(row)), '', '</details>', '');
  }
  const notes = [];
  if (report.tolerance) notes.push(`timing and cost budgets with ${formatPercent(report.tolerance)} tolerance`);
  if (report.baselines.length) notes.push(`regressions over ${formatPercent(report.maxRegression, true)} against ${report.baselines.join(', ')}`);
  if (notes.length) lines.push(`<sub>${cell(notes.join('; '))}</sub>`, '');
  for (const n of checkNotes(report)) lines.push(`<sub>${cell(n)}</sub>`, '');
  return lines.join('\n');
}

export function bundleMarkdown(report: BundleReport): string {
  const icon = report.pass ? '✅' : '❌';
  const lines = [
    `### ${icon} dlpack bundle: ${report.target} (${report.runtime}, ${report.arch})`,
    '',
    `Zipped **${report.zipBytes !== undefined ? formatBytes(report.zipBytes) : '—'}**, unzipped **${formatBytes(report.unzippedBytes)}**, ${report.files.length} files.`,
    '',
  ];
  if (report.limits.length) {
    lines.push(table(['Limit', 'Actual', 'Allowed', 'Status'], report.limits.map((l) => [l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? '✅ pass' : '❌ fail'])), '');
  }
  const largest = [...report.files].sort((a, b) => b.bytes - a.bytes).slice(0, 10);
  if (largest.length) lines.push('<details><summary>Largest files</summary>', '', table(['File', 'Size'], largest.map((f) => [f.path, formatBytes(f.bytes)])), '', '</details>', '');
  return lines.join('\n');
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

export function benchMarkdown(report: BenchReport): string {
  const stable = report.estimate === 'stable';
  const errors = report.configurations.some((c) => c.errors.oom + c.errors.timeout + c.errors.error > 0);
  const lines = [`### ${errors ? '⚠️' : '📊'} dlpack bench: ${cell(report.input)}${report.backend ? ` (${cell(report.backend)})` : ''}`, ''];
  lines.push(
    table(
      ['Target', 'Memory', 'vCPU', 'Init p50', 'Cold p50 / p90', 'Warm p50 / p90', cap(LOAD_HEADS.cpu), cap(LOAD_HEADS.contention), ...(stable ? [cap(LOAD_HEADS.wall)] : []), 'Peak memory', 'Cost / 1M', 'Errors'],
      report.configurations.map((c) => [
        c.target,
        `${c.memoryMb} MB`,
        String(Number(c.vcpu.toFixed(3))),
        formatMs(c.initMs.p50),
        `${formatMs(c.coldTotalMs.p50)} / ${formatMs(c.coldTotalMs.p90)}`,
        `${formatMs(c.warmMs.p50)} / ${formatMs(c.warmMs.p90)}`,
        cpuCell(c),
        contentionCell(c),
        ...(stable ? [wallCell(c)] : []),
        `${Math.round(c.peakMemoryMb)} MB${c.leakWarning ? ' ⚠️ growing' : ''}`,
        formatUsd(c.costPerMillion),
        String(c.errors.oom + c.errors.timeout + c.errors.error || '—'),
      ]),
    ),
    '',
  );
  if (report.recommendations.length) {
    lines.push(
      table(
        ['Strategy', 'Choice', 'Cost / 1M', 'Warm p50', 'Why'],
        report.recommendations.map((r) => [r.strategy, `${r.target} ${r.memoryMb} MB`, formatUsd(r.costPerMillion), formatMs(r.warmP50Ms), r.reason]),
      ),
      '',
    );
  }
  for (const n of benchNotes(report)) lines.push(`<sub>${cell(n)}</sub>`, '');
  return lines.join('\n');
}

export function transformMarkdown(report: TransformReport): string {
  const gates = report.accuracy?.gates;
  const icon = gates ? (gates.pass ? '✅' : '❌') : '📦';
  const lines = [
    `### ${icon} dlpack ${report.kind} (${report.mode})`,
    '',
    `${cell(report.input)} → ${cell(report.output)}: **${formatBytes(report.bytesBefore)} → ${formatBytes(report.bytesAfter)}** (${formatPercent(report.ratio)} of the original).`,
    '',
  ];
  if (report.latency) lines.push(`Latency p50 ${formatMs(report.latency.before.p50)} → ${formatMs(report.latency.after.p50)} over ${report.latency.runs} runs.`, '');
  if (report.accuracy) {
    lines.push(
      table(
        ['Output', 'Max abs error', 'Mean abs error', 'Cosine', 'Top-1 agreement'],
        report.accuracy.outputs.map((o) => [o.name, o.maxAbsError.toPrecision(3), o.meanAbsError.toPrecision(3), o.cosine.toFixed(6), o.top1Agreement !== undefined ? formatPercent(o.top1Agreement) : '—']),
      ),
      '',
    );
    for (const o of report.accuracy.outputs) if (o.degenerate) lines.push(`> **Warning:** output \`${cell(o.name)}\` — ${cell(o.degenerate)}: these figures are not meaningful on these inputs.`, '');
  }
  return lines.join('\n');
}

export function renderMarkdown(loaded: LoadedReport): string {
  switch (loaded.kind) {
    case 'check':
      return checkMarkdown(loaded.report);
    case 'bundle':
      return bundleMarkdown(loaded.report);
    case 'bench':
      return benchMarkdown(loaded.report);
    case 'transform':
      return transformMarkdown(loaded.report);
  }
}
