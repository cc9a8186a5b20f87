/** What `dlpack init` prints: what it measured, the budgets it wrote and how each was set, and what to do next. */
import { relative } from 'node:path';
import { formatBytes, formatMs, formatUsd } from '../core/units.js';
import type { InitReport } from './run-init.js';
import type { BudgetBasis } from './starter-budgets.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

function measured(b: BudgetBasis): string {
  switch (b.unit) {
    case 'bytes':
      return formatBytes(b.measured);
    case 'ms':
      return formatMs(b.measured);
    case 'MB':
      return `${Math.round(b.measured)} MB`;
    case 'usd':
      return formatUsd(b.measured);
  }
}

/** "= 79.9 ms at 1024 MB + 30% (spread ±8%)" */
export function basisText(b: BudgetBasis & { memoryMb?: number }): string {
  const where = b.memoryMb !== undefined ? ` at ${b.memoryMb} MB` : '';
  const spread = b.spread !== undefined ? `, spread ±${pct(b.spread)}` : '';
  const fromSpread = b.spread !== undefined && b.headroom > 0 && Math.abs(b.headroom - 3 * b.spread) < 1e-9 ? ' (3 × spread)' : '';
  const how = b.floor ? 'the absolute floor' : `+${pct(b.headroom)}${fromSpread}`;
  return `= ${measured(b)}${where}${spread}; ${how}`;
}

export function renderInit(r: InitReport, cwd = process.cwd()): string {
  const figure = r.estimate === 'stable' ? 'load-robust estimate' : 'wall time';
  const lines = [`Measured ${r.model} on ${r.target} (timings: ${figure}):`];
  lines.push(`  artifact  ${r.measured.zipBytes !== undefined ? `${formatBytes(r.measured.zipBytes)} zipped, ` : ''}${formatBytes(r.measured.unzippedBytes)} unzipped`);
  for (const c of r.measured.configurations) {
    lines.push(`  ${c.memoryMb} MB   init p50 ${formatMs(c.initP50Ms)}, cold p50 ${formatMs(c.coldP50Ms)}, warm p50 ${formatMs(c.warmP50Ms)}, peak ${Math.round(c.peakMemoryMb)} MB, ${formatUsd(c.costPerMillion)} / 1M requests`);
  }
  lines.push('', `Wrote ${relative(cwd, r.config)} with budgets (measurement + headroom: the larger of a fixed share and 3 × the measured spread):`);
  for (const [k, v] of Object.entries(r.budgets)) {
    const b = r.basis[k as keyof typeof r.basis];
    lines.push(`  ${k.padEnd(11)} ${v.padEnd(9)}${b ? ` ${basisText(b)}` : ''}`);
  }
  if (r.estimate === 'stable') {
    lines.push('', 'Timing and cost budgets use the load-robust estimate (CPU time through the vCPU share + I/O waits, without waits for a CPU other work held), so they hold on a busy CI runner; `dlpack check` judges on the same ("bench.estimate" in the config).');
  }
  if (r.workflow && r.shards) {
    lines.push('', `Wrote ${relative(cwd, r.workflow)}: on pull requests, ${r.shards} runners each run \`dlpack check --shard i/${r.shards}\`; a merge job joins their reports (\`dlpack report merge\`), posts one comment and gates the pull request.`);
  } else if (r.workflow) lines.push('', `Wrote ${relative(cwd, r.workflow)}: runs \`dlpack check\` on pull requests and posts the result.`);
  lines.push('', 'Next: `dlpack check` (exit 1 when a budget breaks); tighten the budgets as you go.');
  return lines.join('\n');
}
