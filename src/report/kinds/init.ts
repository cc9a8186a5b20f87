/**
 * The init report (`dlpack.init/1`), for `dlpack init` and `dlpack report init.json`: what was
 * measured, the budgets written and how each was set, and what to do next. Markdown too.
 */
import { relative } from 'node:path';
import type { BudgetBasis, InitReport } from '../../core/reports/schemas.js';
import { formatBudgetValue, formatBytes, formatMemoryMb, formatMs, formatUsd } from '../../core/units.js';
import { cell, table } from '../markdown.js';
import type { HumanOptions, KindRenderer } from '../render-types.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** "= 79.9 ms at 1024 MB + 30% (spread ±8%)" */
export function basisText(b: BudgetBasis & { memoryMb?: number }): string {
  const where = b.memoryMb !== undefined ? ` at ${b.memoryMb} MB` : '';
  const spread = b.spread !== undefined ? `, spread ±${pct(b.spread)}` : '';
  const fromSpread = b.spread !== undefined && b.headroom > 0 && Math.abs(b.headroom - 3 * b.spread) < 1e-9 ? ' (3 × spread)' : '';
  const how = b.floor ? 'the absolute floor' : `+${pct(b.headroom)}${fromSpread}`;
  return `= ${formatBudgetValue(b.unit, b.measured)}${where}${spread}; ${how}`;
}

function initHuman(r: InitReport, o: HumanOptions = {}): string {
  const cwd = o.cwd ?? process.cwd();
  const figure = r.estimate === 'stable' ? 'load-robust estimate' : 'wall time';
  const lines = [`Measured ${r.model} on ${r.target} (timings: ${figure}):`];
  lines.push(`  artifact  ${r.measured.zipBytes !== undefined ? `${formatBytes(r.measured.zipBytes)} zipped, ` : ''}${formatBytes(r.measured.unzippedBytes)} unzipped`);
  for (const c of r.measured.configurations) {
    lines.push(`  ${c.memoryMb} MB   init p50 ${formatMs(c.initP50Ms)}, cold p50 ${formatMs(c.coldP50Ms)}, warm p50 ${formatMs(c.warmP50Ms)}, peak ${formatMemoryMb(c.peakMemoryMb)}, ${formatUsd(c.costPerMillion)} / 1M requests`);
  }
  lines.push('', `Wrote ${relative(cwd, r.config)} with budgets (measurement + headroom: the larger of a fixed share and 3 × the measured spread):`);
  for (const [k, v] of Object.entries(r.budgets)) {
    const b = r.basis[k];
    lines.push(`  ${k.padEnd(11)} ${(v ?? '').padEnd(9)}${b ? ` ${basisText(b)}` : ''}`);
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

function initMarkdown(r: InitReport): string {
  const lines = [`### dlpack init: ${cell(r.model)} on ${r.target}`, ''];
  lines.push(table(['Budget', 'Limit', 'How it was set'], Object.entries(r.budgets).map(([k, v]) => [k, v ?? '', r.basis[k] ? basisText(r.basis[k]!) : ''])), '');
  lines.push(`<sub>${cell(`written to ${r.config}${r.workflow ? ` and ${r.workflow}` : ''}; timings are the ${r.estimate === 'stable' ? 'load-robust estimate' : 'wall time'}`)}</sub>`, '');
  return lines.join('\n');
}

export const init: KindRenderer<InitReport> = { human: initHuman, markdown: initMarkdown };
