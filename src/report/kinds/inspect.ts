/**
 * The inspect report (`dlpack.inspect/1`), for `dlpack inspect` and `dlpack report inspect.json`:
 * format, producer, opsets, parameters, weight bytes per dtype, bytes on disk, inputs and outputs
 * with their shapes, the op histogram. Markdown and an HTML section (tables) too.
 */
import type { Dim, TensorInfo } from '../../core/model-description.js';
import type { InspectReport } from '../../core/reports/schemas.js';
import { escapeXml as esc } from '../../core/text.js';
import { formatBytes, formatCount } from '../../core/units.js';
import { fitNote, fitTable } from '../fit-table.js';
import { htmlTable } from '../html/page-parts.js';
import { cell, table } from '../markdown.js';
import type { HumanOptions, KindRenderer } from '../render-types.js';

const DEFAULT_OPS = 25;

function shapeText(shape: Dim[] | null): string {
  if (shape === null) return '(unknown rank)';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** The summary lines (format, producer, opsets, parameters, weights, bytes on disk). */
function facts(r: InspectReport): [string, string][] {
  const { model, summary } = r;
  const out: [string, string][] = [['format', `${model.format}${model.formatVersion ? ` (${model.formatVersion})` : ''}`]];
  if (model.producer?.name || model.producer?.version) out.push(['producer', [model.producer.name, model.producer.version].filter(Boolean).join(' ')]);
  if (model.irVersion !== undefined) out.push(['IR version', String(model.irVersion)]);
  if (model.opsets.length) out.push(['opsets', model.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')]);
  out.push(['parameters', formatCount(summary.parameters)]);
  const byDtype = Object.entries(summary.weightBytesByDtype).map(([d, b]) => `${d} ${formatBytes(b)}`).join(', ');
  out.push(['weights', `${formatBytes(summary.weightBytes)} in ${model.weights.length} tensors${byDtype ? ` (${byDtype})` : ''}`]);
  out.push(['on disk', `${formatBytes(summary.bytesOnDisk)} in ${model.files.length} file(s)`]);
  return out;
}

function ops(r: InspectReport, max: number): [string, string][] {
  const all = Object.entries(r.summary.opHistogram);
  const rows: [string, string][] = all.slice(0, max).map(([op, n]) => [op, String(n)]);
  if (all.length > max) rows.push([`(${all.length - max} more op types)`, '']);
  return rows;
}

const tensorRows = (ts: TensorInfo[]) => ts.map((x) => [x.name, x.dtype, shapeText(x.shape)]);

function inspectHuman(r: InspectReport, o: HumanOptions = {}): string {
  const width = o.verbose ? undefined : o.width;
  const lines = [r.model.path, ...facts(r).map(([k, v]) => `  ${`${k}:`.padEnd(12)}${v}`), ''];
  const hidden: string[] = [];
  for (const [title, ts] of [['input', r.model.inputs], ['output', r.model.outputs]] as const) {
    const t = fitTable([{ head: title, wrap: true }, { head: 'dtype' }, { head: 'shape', wrap: true }], tensorRows(ts), { width });
    hidden.push(...t.hidden);
    lines.push(t.text);
  }
  lines.push(fitTable([{ head: 'op', wrap: true }, { head: 'count' }], ops(r, o.verbose ? Infinity : (o.maxRows ?? DEFAULT_OPS)), { width }).text);
  lines.push(...fitNote(hidden, width, o.verboseFlag));
  return lines.join('\n');
}

function inspectMarkdown(r: InspectReport): string {
  const lines = [`### 🔎 dlpack inspect: ${cell(r.model.path)}`, '', table(['', ''], facts(r)), ''];
  lines.push(table(['Input', 'Dtype', 'Shape'], tensorRows(r.model.inputs)), '', table(['Output', 'Dtype', 'Shape'], tensorRows(r.model.outputs)), '');
  lines.push('<details><summary>Ops</summary>', '', table(['Op', 'Count'], ops(r, DEFAULT_OPS)), '', '</details>', '');
  return lines.join('\n');
}

function inspectHtml(r: InspectReport): string {
  return `<section><h2>${esc(`Model: ${r.model.path}`)}</h2>${htmlTable(['', ''], facts(r))}${htmlTable(['input', 'dtype', 'shape'], tensorRows(r.model.inputs))}${htmlTable(['output', 'dtype', 'shape'], tensorRows(r.model.outputs))}${htmlTable(['op', 'count'], ops(r, Infinity))}</section>`;
}

export const inspect: KindRenderer<InspectReport> = { human: inspectHuman, markdown: inspectMarkdown, html: inspectHtml };
