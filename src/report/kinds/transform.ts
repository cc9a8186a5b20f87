/**
 * The transform report (`dlpack.transform/1`), for `dlpack quantize`/`convert` and `dlpack report`:
 * sizes, weight bytes per dtype, latency, the accuracy table with its gates and where the inputs
 * came from (degenerate outputs warned), kernels that ran, mixed precision, what changed and what
 * was skipped (and why). Markdown, JUnit (a case per output), annotations and the HTML section too.
 */
import type { TransformReport } from '../../core/reports/schemas.js';
import { escapeXml as esc } from '../../core/text.js';
import { formatBytes, formatBytesCompact, formatMs, formatPercent } from '../../core/units.js';
import { fitNote, fitTable } from '../fit-table.js';
import { htmlTable } from '../html/page-parts.js';
import { barChart, PALETTE } from '../html/svg-charts.js';
import { cell, table } from '../markdown.js';
import type { Annotation, HumanOptions, JunitSuite, KindRenderer } from '../render-types.js';

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

function transformHuman(r: TransformReport, o: HumanOptions = {}): string {
  const maxRows = o.verbose ? Infinity : (o.maxRows ?? 12);
  const width = o.verbose ? undefined : o.width;
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
    const t = fitTable(
      [{ head: 'output', wrap: true }, { head: 'max abs err' }, { head: 'err/range', drop: 3 }, { head: 'mean abs err', drop: 2 }, { head: 'cosine' }, { head: 'SQNR', drop: 1 }, { head: 'top-1' }],
      a.outputs.map((x) => [
        x.name,
        num(x.maxAbsError),
        x.maxErrorOfRange === undefined ? '' : `${(x.maxErrorOfRange * 100).toPrecision(2)}%`,
        num(x.meanAbsError),
        x.cosine.toFixed(6),
        x.sqnrDb === undefined ? (x.maxAbsError === 0 ? 'exact' : '') : `${x.sqnrDb.toFixed(1)} dB`,
        x.top1Agreement === undefined ? '' : `${(x.top1Agreement * 100).toFixed(1)}%`,
      ]),
      { width },
    );
    lines.push(t.text, ...fitNote(t.hidden, width, o.verboseFlag));
    for (const x of a.outputs) {
      if (x.degenerate) lines.push(`  WARNING: output "${x.name}" — ${x.degenerate}: these figures say nothing about the transform; pass real inputs with --samples`);
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

function transformMarkdown(r: TransformReport): string {
  const gates = r.accuracy?.gates;
  const icon = gates ? (gates.pass ? '✅' : '❌') : '📦';
  const lines = [
    `### ${icon} dlpack ${r.kind} (${r.mode})`,
    '',
    `${cell(r.input)} → ${cell(r.output)}: **${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)}** (${formatPercent(r.ratio)} of the original).`,
    '',
  ];
  if (r.latency) lines.push(`Latency p50 ${formatMs(r.latency.before.p50)} → ${formatMs(r.latency.after.p50)} over ${r.latency.runs} runs.`, '');
  if (r.accuracy) {
    lines.push(
      table(
        ['Output', 'Max abs error', 'Mean abs error', 'Cosine', 'Top-1 agreement'],
        r.accuracy.outputs.map((o) => [o.name, o.maxAbsError.toPrecision(3), o.meanAbsError.toPrecision(3), o.cosine.toFixed(6), o.top1Agreement !== undefined ? formatPercent(o.top1Agreement) : '—']),
      ),
      '',
    );
    if (r.accuracy.inputs) lines.push(`Inputs: ${cell(r.accuracy.inputs.summary)}`, '');
    for (const o of r.accuracy.outputs) if (o.degenerate) lines.push(`> **Warning:** output \`${cell(o.name)}\` — ${cell(o.degenerate)}: these figures are not meaningful on these inputs.`, '');
  }
  return lines.join('\n');
}

function transformJunit(r: TransformReport): JunitSuite {
  const acc = r.accuracy;
  const name = `dlpack ${r.kind}`;
  if (!acc) return { name, cases: [{ classname: `dlpack.${r.kind}`, name: r.mode, out: `${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)}` }] };
  return {
    name,
    cases: acc.outputs.map((o) => {
      const msg = `max abs error ${o.maxAbsError}, cosine ${o.cosine}${o.degenerate ? ` (${o.degenerate}: not meaningful on these inputs)` : ''}`;
      const g = acc.gates;
      const broken = g && ((g.maxError !== undefined && o.maxAbsError > g.maxError) || (g.minCosine !== undefined && o.cosine < g.minCosine));
      return { classname: `dlpack.${r.kind}.${r.mode}`, name: `accuracy of ${o.name}`, ...(broken ? { failure: { message: msg, type: 'accuracy' } } : { out: msg }) };
    }),
  };
}

function transformAnnotations(r: TransformReport): Annotation[] {
  const out: Annotation[] = [];
  if (r.accuracy?.gates && !r.accuracy.gates.pass) out.push({ level: 'error', title: `dlpack ${r.kind}: accuracy gate failed`, message: `${r.output} (${r.mode})` });
  for (const o of r.accuracy?.outputs ?? []) if (o.degenerate) out.push({ level: 'warning', title: `dlpack ${r.kind}: figures not meaningful`, message: `output "${o.name}" — ${o.degenerate}` });
  return out;
}

function transformHtml(r: TransformReport): string {
  const acc = r.accuracy
    ? htmlTable(['output', 'max abs error', 'mean abs error', 'cosine', 'top-1'], r.accuracy.outputs.map((o) => [o.name, o.maxAbsError.toPrecision(3), o.meanAbsError.toPrecision(3), o.cosine.toFixed(6), o.top1Agreement !== undefined ? formatPercent(o.top1Agreement) : '—']))
    : '';
  const inputs = r.accuracy?.inputs ? `<p class="note">${esc(`inputs: ${r.accuracy.inputs.summary}`)}</p>` : '';
  const sizes = barChart({ title: 'Model size', xLabel: 'bytes', bars: [{ label: 'before', value: r.bytesBefore, color: PALETTE[1] }, { label: `after (${r.mode})`, value: r.bytesAfter, color: PALETTE[2] }], format: formatBytesCompact });
  return `<section><h2>${esc(`${r.kind} ${r.mode}: ${r.input} → ${r.output}`)}</h2><div class="charts">${sizes}</div>${inputs}${acc}</section>`;
}

export const transform: KindRenderer<TransformReport> = { human: transformHuman, markdown: transformMarkdown, junit: transformJunit, html: transformHtml, annotations: transformAnnotations };
