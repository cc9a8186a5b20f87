import Table from 'cli-table3';
import type { Dim, TensorInfo } from '../core/model-description.js';
import type { InspectReport } from '../core/reports/schemas.js';
import { formatBytes, formatCount } from '../core/units.js';

function shapeText(shape: Dim[] | null): string {
  if (shape === null) return '(unknown rank)';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function tensorTable(title: string, tensors: TensorInfo[]): string {
  const t = new Table({ head: [title, 'dtype', 'shape'], style: { head: [], border: [] } });
  for (const x of tensors) t.push([x.name, x.dtype, shapeText(x.shape)]);
  return t.toString();
}

/** Renders the inspect report for a terminal. */
export function renderInspectReport(report: InspectReport, options: { maxOps?: number } = {}): string {
  const { model, summary } = report;
  const lines: string[] = [];
  lines.push(`${model.path}`);
  lines.push(`  format:     ${model.format}${model.formatVersion ? ` (${model.formatVersion})` : ''}`);
  if (model.producer?.name || model.producer?.version) {
    lines.push(`  producer:   ${[model.producer.name, model.producer.version].filter(Boolean).join(' ')}`);
  }
  if (model.irVersion !== undefined) lines.push(`  IR version: ${model.irVersion}`);
  if (model.opsets.length) {
    lines.push(`  opsets:     ${model.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`);
  }
  lines.push(`  parameters: ${formatCount(summary.parameters)}`);
  const byDtype = Object.entries(summary.weightBytesByDtype)
    .map(([d, b]) => `${d} ${formatBytes(b)}`)
    .join(', ');
  lines.push(`  weights:    ${formatBytes(summary.weightBytes)} in ${model.weights.length} tensors${byDtype ? ` (${byDtype})` : ''}`);
  lines.push(`  on disk:    ${formatBytes(summary.bytesOnDisk)} in ${model.files.length} file(s)`);
  lines.push('');
  lines.push(tensorTable('input', model.inputs));
  lines.push(tensorTable('output', model.outputs));
  const ops = Object.entries(summary.opHistogram);
  const maxOps = options.maxOps ?? 25;
  const opTable = new Table({ head: ['op', 'count'], style: { head: [], border: [] } });
  for (const [op, n] of ops.slice(0, maxOps)) opTable.push([op, String(n)]);
  if (ops.length > maxOps) opTable.push([`(${ops.length - maxOps} more op types)`, '']);
  lines.push(opTable.toString());
  return lines.join('\n');
}
