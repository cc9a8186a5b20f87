/**
 * Terminal rendering of a TransformReport (quantize / convert): sizes, weight bytes per dtype,
 * latency, the accuracy table, kernels that ran, what changed and what was skipped (and why).
 */
import Table from 'cli-table3';
import type { TransformReport } from '../core/reports/schemas.js';
import { formatBytes, formatMs } from '../core/units.js';

function dtypeBytes(byDtype: Record<string, number>): string {
  const parts = Object.entries(byDtype)
    .sort((a, b) => b[1] - a[1])
    .map(([d, b]) => `${d} ${formatBytes(b)}`);
  return parts.length ? parts.join(', ') : '(none)';
}

function num(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toFixed(4) : x.toExponential(2);
}

export function renderTransformReport(r: TransformReport, options: { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 12;
  const lines: string[] = [];
  lines.push(`${r.kind} ${r.mode}: ${r.input} → ${r.output}`);
  lines.push(`  size:     ${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)} (${r.ratio.toFixed(3)}×)`);
  lines.push(`  weights:  ${dtypeBytes(r.weightBytesByDtype.before)} → ${dtypeBytes(r.weightBytesByDtype.after)}`);
  if (r.nodes) lines.push(`  nodes:    ${r.nodes.before} → ${r.nodes.after}`);
  if (r.latency) {
    lines.push(`  latency:  p50 ${formatMs(r.latency.before.p50)} → ${formatMs(r.latency.after.p50)} (${r.latency.ratio.toFixed(2)}×, ${r.latency.runs} runs each)`);
  }
  if (r.kernels) {
    const k = Object.entries(r.kernels);
    lines.push(`  kernels:  ${k.slice(0, 8).map(([op, n]) => `${op} ×${n}`).join(', ')}${k.length > 8 ? `, +${k.length - 8} more` : ''}`);
  }
  if (r.accuracy) {
    const a = r.accuracy;
    const g = a.gates;
    const gate = g ? (g.pass ? ' — gates passed' : g.inconclusive?.length ? ' — GATE FAILED (figures not meaningful on these inputs)' : ' — GATE FAILED') : '';
    lines.push(`  accuracy: ${a.backend}, ${a.samples} input set(s)${gate}`);
    if (a.inputs) lines.push(`  inputs:   ${a.inputs.summary}`);
    if (g) lines.push(`  gates:    ${gateText(g)}`);
    const t = new Table({ head: ['output', 'max abs err', 'err/range', 'mean abs err', 'cosine', 'SQNR', 'top-1'], style: { head: [], border: [] } });
    for (const o of a.outputs) {
      t.push([
        o.name,
        num(o.maxAbsError),
        o.maxErrorOfRange === undefined ? '' : `${(o.maxErrorOfRange * 100).toPrecision(2)}%`,
        num(o.meanAbsError),
        o.cosine.toFixed(6),
        o.sqnrDb === undefined ? (o.maxAbsError === 0 ? 'exact' : '') : `${o.sqnrDb.toFixed(1)} dB`,
        o.top1Agreement === undefined ? '' : `${(o.top1Agreement * 100).toFixed(1)}%`,
      ]);
    }
    lines.push(t.toString());
    for (const o of a.outputs) {
      if (o.degenerate) lines.push(`  WARNING: output "${o.name}" — ${o.degenerate}: these figures say nothing about the transform; pass real inputs with --samples`);
    }
  }
  if (r.mixedPrecision) {
    const m = r.mixedPrecision;
    lines.push(`  mixed precision: ${m.kept.length} kept ${m.fallback}${m.met ? '' : ' (goal not met within the budget)'}, ${m.measured} candidate(s) measured`);
    for (const k of m.kept.slice(0, maxRows)) lines.push(`    ${k.name}: ${k.reason}`);
    if (m.kept.length > maxRows) lines.push(`    … ${m.kept.length - maxRows} more (--json lists all)`);
  }
  if (r.changed.length) {
    lines.push(`  changed: ${r.changed.length}`);
    for (const c of r.changed.slice(0, maxRows)) lines.push(`    ${c.name}: ${c.what}`);
    if (r.changed.length > maxRows) lines.push(`    … ${r.changed.length - maxRows} more (--json lists all)`);
  }
  if (r.skipped.length) {
    lines.push(`  skipped (left as they were): ${r.skipped.length}`);
    for (const s of r.skipped.slice(0, maxRows)) lines.push(`    ${s.name}: ${s.reason}`);
    if (r.skipped.length > maxRows) lines.push(`    … ${r.skipped.length - maxRows} more (--json lists all)`);
  }
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  if (r.written === false) lines.push(`  nothing was written to ${r.output}`);
  return lines.join('\n');
}

function gateText(g: NonNullable<NonNullable<TransformReport['accuracy']>['gates']>): string {
  const parts: string[] = [];
  const d = (k: 'minCosine' | 'minTop1') => (g.defaults?.includes(k) ? ' (default floor)' : '');
  if (g.minCosine !== undefined) parts.push(`cosine ≥ ${g.minCosine}${d('minCosine')}`);
  if (g.minTop1 !== undefined) parts.push(`top-1 ≥ ${+(g.minTop1 * 100).toFixed(2)}%${g.defaults?.includes('minTop1') ? ' on probability outputs (default floor)' : ''}`);
  if (g.maxError !== undefined) parts.push(`max abs error ≤ ${g.maxError}`);
  return parts.join(', ');
}
