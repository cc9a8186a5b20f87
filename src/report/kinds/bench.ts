/** The human rendering of a bench report: one table row per configuration, then the recommendations. */
import Table from 'cli-table3';
import { formatMs } from '../../core/units.js';
import type { BenchRunReport } from '../../sim/run-bench.js';
import { benchNotes, contentionCell, cpuCell, LOAD_HEADS, wallCell } from '../formats/bench-cells.js';

const usd = (x: number) => (x === 0 ? '—' : x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(3)}`);

export function renderBenchReport(report: BenchRunReport): string {
  const stable = report.estimate === 'stable';
  const t = new Table({
    head: ['target', 'memory', 'vCPU', 'init p50/p90', 'cold p50', 'warm p50/p90/p99', LOAD_HEADS.cpu, LOAD_HEADS.contention, ...(stable ? [LOAD_HEADS.wall] : []), 'peak', 'billed', '$ / 1M', 'oom/timeout/error'],
    style: { head: [], border: [] },
  });
  const notes: string[] = [];
  for (const c of report.configurations) {
    const w = c.warmMs;
    t.push([
      c.target,
      `${c.memoryMb} MB`,
      c.vcpu.toFixed(c.vcpu < 1 ? 3 : 2),
      c.samples.initMs.length ? `${formatMs(c.initMs.p50)} / ${formatMs(c.initMs.p90)}` : '—',
      c.samples.coldTotalMs.length ? formatMs(c.coldTotalMs.p50) : '—',
      c.samples.warmMs.length ? `${formatMs(w.p50)} / ${formatMs(w.p90)} / ${formatMs(w.p99 ?? w.p90)}` : '—',
      cpuCell(c),
      contentionCell(c),
      ...(stable ? [wallCell(c)] : []),
      `${c.peakMemoryMb} MB`,
      c.billedMs ? `${c.billedMs} ms` : '—',
      usd(c.costPerMillion),
      `${c.errors.oom}/${c.errors.timeout}/${c.errors.error}`,
    ]);
    const where = `${c.target} ${c.memoryMb} MB`;
    for (const m of c.errors.messages.slice(0, 3)) notes.push(`${where}: ${m}`);
    if (c.leakWarning) notes.push(`${where}: memory grows ${c.memoryGrowthKbPerInvoke.toFixed(0)} kB per warm invocation (after GC): a leak?`);
    for (const n of c.notes ?? []) notes.push(`${where}: ${n}`);
  }
  const lines = [t.toString()];
  if (report.recommendations.length) {
    lines.push('', 'Recommendations:');
    for (const r of report.recommendations) {
      const latency = r.latencyMs !== undefined ? `latency ${formatMs(r.latencyMs)}` : `warm p50 ${formatMs(r.warmP50Ms)}`;
      lines.push(`  ${r.strategy.padEnd(24)} ${r.target} ${r.memoryMb} MB  ${latency}  ${usd(r.costPerMillion)} / 1M  (${r.reason})`);
    }
  } else {
    lines.push('', 'No recommendation: every configuration had out-of-memory, timeout or errors.');
  }
  if (notes.length) lines.push('', ...notes.map((n) => `  ! ${n}`));
  const cpu = { cgroup: 'cgroup (CFS quota = vCPU × 100 ms period)', scale: 'scale (projected from CPU and wall time)', off: 'off (full machine)' }[report.cpuMode];
  const mem = report.memoryLimitMode === 'cgroup' ? 'cgroup (kernel limit)' : 'watchdog (RSS sampled every 5 ms)';
  lines.push('', `CPU share: ${cpu}; memory limit: ${mem}; durations are warm unless marked; $ / 1M = warm requests incl. request fee.`);
  lines.push(...benchNotes(report));
  for (const p of report.cgroupProblems ?? []) lines.push(`  (cgroups not used: ${p})`);
  return lines.join('\n');
}
