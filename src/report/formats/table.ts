/**
 * Terminal tables (cli-table3) for every report: check, bundle, bench and transform.
 */
import Table from 'cli-table3';
import type { BenchReport, BundleReport, CheckReport, TransformReport } from '../../core/reports/schemas.js';
import type { LoadedReport } from '../../core/reports/read-report.js';
import { formatBytes, formatMs, formatPercent, formatUsd } from '../../core/units.js';
import { benchNotes, contentionCell, cpuCell, LOAD_HEADS, wallCell } from './bench-cells.js';
import { STATUS_WORD, checkHeadline, checkNotes, rowActual, rowBaseline, rowDelta, rowLimit, rowNoise, rowWhere } from './check-rows.js';

const plain = { style: { head: [], border: [] } };

export function checkTable(report: CheckReport): string {
  const withBaseline = report.results.some((r) => r.baseline);
  const withNotes = report.results.some((r) => r.reason);
  const withNoise = report.results.some((r) => r.noise);
  const head = ['status', 'budget', 'where', 'limit', 'actual', ...(withNoise ? ['noise'] : []), 'delta', ...(withBaseline ? ['baseline'] : []), ...(withNotes ? ['note'] : [])];
  const t = new Table({ head, ...plain, wordWrap: true, colWidths: head.map((h) => (h === 'note' ? 44 : null)) });
  for (const r of report.results) {
    const status = r.level === 'warn' && r.status === 'pass' ? 'pass (warn)' : STATUS_WORD[r.status];
    t.push([status, r.label, rowWhere(r), rowLimit(r), rowActual(r), ...(withNoise ? [rowNoise(r)] : []), rowDelta(r), ...(withBaseline ? [rowBaseline(r)] : []), ...(withNotes ? [r.reason ?? ''] : [])]);
  }
  const verdict = report.pass ? 'PASS' : 'FAIL';
  const notes = checkNotes(report);
  return `${report.results.length ? t.toString() + '\n' : ''}${verdict}: ${checkHeadline(report)}${notes.length ? '\n' + notes.join('\n') : ''}`;
}

export function bundleTable(report: BundleReport): string {
  const lines = [
    `${report.target} · ${report.runtime} · ${report.arch} · ${report.format}`,
    `zipped ${report.zipBytes !== undefined ? formatBytes(report.zipBytes) : '—'} · unzipped ${formatBytes(report.unzippedBytes)}${report.zipPath ? ` · ${report.zipPath}` : ''}`,
  ];
  const limits = new Table({ head: ['limit', 'actual', 'allowed', 'status'], ...plain });
  for (const l of report.limits) limits.push([l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? 'PASS' : 'FAIL']);
  if (report.limits.length) lines.push(limits.toString());
  const files = new Table({ head: ['largest files', 'bytes'], ...plain });
  for (const f of [...report.files].sort((a, b) => b.bytes - a.bytes).slice(0, 8)) files.push([f.path, formatBytes(f.bytes)]);
  if (report.files.length) lines.push(files.toString());
  lines.push(report.pass ? 'PASS: fits every platform limit' : 'FAIL: over a platform limit');
  return lines.join('\n');
}

export function benchTable(report: BenchReport): string {
  const stable = report.estimate === 'stable';
  const t = new Table({
    head: ['target', 'memory', 'vCPU', 'init p50', 'cold p50/p90', 'warm p50/p90/p99', LOAD_HEADS.cpu, LOAD_HEADS.contention, ...(stable ? [LOAD_HEADS.wall] : []), 'peak mem', 'cost / 1M', 'errors'],
    ...plain,
  });
  for (const c of report.configurations) {
    const errs = c.errors.oom + c.errors.timeout + c.errors.error;
    t.push([
      c.target,
      `${c.memoryMb} MB`,
      String(Number(c.vcpu.toFixed(3))),
      formatMs(c.initMs.p50),
      `${formatMs(c.coldTotalMs.p50)} / ${formatMs(c.coldTotalMs.p90)}`,
      `${formatMs(c.warmMs.p50)} / ${formatMs(c.warmMs.p90)} / ${c.warmMs.p99 !== undefined ? formatMs(c.warmMs.p99) : '—'}`,
      cpuCell(c),
      contentionCell(c),
      ...(stable ? [wallCell(c)] : []),
      `${Math.round(c.peakMemoryMb)} MB${c.leakWarning ? ' (growing)' : ''}`,
      formatUsd(c.costPerMillion),
      errs ? [c.errors.oom && `${c.errors.oom} OOM`, c.errors.timeout && `${c.errors.timeout} timeout`, c.errors.error && `${c.errors.error} error`].filter(Boolean).join(', ') : '—',
    ]);
  }
  const lines = [`${report.input}${report.backend ? ` · ${report.backend}` : ''}`, t.toString()];
  for (const r of report.recommendations) {
    lines.push(`${r.strategy}: ${r.target} ${r.memoryMb} MB — ${formatUsd(r.costPerMillion)} / 1M, warm p50 ${formatMs(r.warmP50Ms)} (${r.reason})`);
  }
  lines.push(...benchNotes(report));
  return lines.join('\n');
}

export function transformTable(report: TransformReport): string {
  const lines = [
    `${report.kind} ${report.mode}: ${report.input} → ${report.output}`,
    `size ${formatBytes(report.bytesBefore)} → ${formatBytes(report.bytesAfter)} (${formatPercent(report.ratio)} of the original)`,
  ];
  if (report.latency) {
    lines.push(`latency p50 ${formatMs(report.latency.before.p50)} → ${formatMs(report.latency.after.p50)} (×${report.latency.ratio.toFixed(2)}, ${report.latency.runs} runs)`);
  }
  if (report.accuracy) {
    const t = new Table({ head: ['output', 'max abs error', 'mean abs error', 'cosine', 'top-1'], ...plain });
    for (const o of report.accuracy.outputs) {
      t.push([o.name, o.maxAbsError.toPrecision(3), o.meanAbsError.toPrecision(3), o.cosine.toFixed(6), o.top1Agreement !== undefined ? formatPercent(o.top1Agreement) : '—']);
    }
    lines.push(`accuracy on ${report.accuracy.samples} samples (${report.accuracy.backend})`, t.toString());
    if (report.accuracy.inputs) lines.push(`inputs: ${report.accuracy.inputs.summary}`);
    for (const o of report.accuracy.outputs) if (o.degenerate) lines.push(`WARNING: output "${o.name}" — ${o.degenerate}: not meaningful on these inputs`);
    if (report.accuracy.gates) lines.push(report.accuracy.gates.pass ? 'PASS: accuracy gates held' : 'FAIL: an accuracy gate failed');
  }
  if (report.skipped.length) lines.push(`skipped ${report.skipped.length}: ${report.skipped.slice(0, 5).map((s) => `${s.name} (${s.reason})`).join(', ')}`);
  return lines.join('\n');
}

export function renderTable(loaded: LoadedReport): string {
  switch (loaded.kind) {
    case 'check':
      return checkTable(loaded.report);
    case 'bundle':
      return bundleTable(loaded.report);
    case 'bench':
      return benchTable(loaded.report);
    case 'transform':
      return transformTable(loaded.report);
  }
}
