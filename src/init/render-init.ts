/** What `dlpack init` prints: what it measured, the budgets it wrote, and what to do next. */
import { relative } from 'node:path';
import { formatBytes, formatMs } from '../report/units.js';
import { formatUsd } from '../budgets/parse-limit.js';
import type { InitReport } from './run-init.js';

export function renderInit(r: InitReport, cwd = process.cwd()): string {
  const lines = [`Measured ${r.model} on ${r.target}:`];
  lines.push(`  artifact  ${r.measured.zipBytes !== undefined ? `${formatBytes(r.measured.zipBytes)} zipped, ` : ''}${formatBytes(r.measured.unzippedBytes)} unzipped`);
  for (const c of r.measured.configurations) {
    lines.push(`  ${c.memoryMb} MB   init p50 ${formatMs(c.initP50Ms)}, cold p50 ${formatMs(c.coldP50Ms)}, warm p50 ${formatMs(c.warmP50Ms)}, peak ${Math.round(c.peakMemoryMb)} MB, ${formatUsd(c.costPerMillion)} / 1M requests`);
  }
  lines.push('', `Wrote ${relative(cwd, r.config)} with budgets (measurement + headroom):`);
  for (const [k, v] of Object.entries(r.budgets)) lines.push(`  ${k.padEnd(11)} ${v}`);
  if (r.workflow) lines.push('', `Wrote ${relative(cwd, r.workflow)}: runs \`dlpack check\` on pull requests and posts the result.`);
  lines.push('', 'Next: `dlpack check` (exit 1 when a budget breaks); tighten the budgets as you go.');
  return lines.join('\n');
}
