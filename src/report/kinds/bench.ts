/**
 * The bench report (`dlpack.bench/1`), for `dlpack bench` and `dlpack report bench.json` alike: a
 * row per configuration (INIT, cold and warm percentiles, CPU time and the share spent waiting for
 * a CPU, peak memory, billed duration, cost, failures), the recommendations, the notes on failures
 * and leaks, how CPU share and memory limits were applied, and load warnings. Markdown, JUnit and
 * annotations here; the HTML section in bench-html.ts.
 */
import type { BenchConfigResult, BenchReport } from '../../core/reports/schemas.js';
import { formatMemoryMb, formatMs, formatUsd } from '../../core/units.js';
import { loadWarnings } from '../../sim/load-warnings.js';
import { fitNote, fitTable, type Column } from '../fit-table.js';
import { notesCase } from '../junit.js';
import { cap, cell, notes as subNotes, table } from '../markdown.js';
import type { Annotation, HumanOptions, JunitSuite, KindRenderer } from '../render-types.js';
import { benchNotes, contentionCell, cpuCell, LOAD_HEADS, wallCell } from './bench-cells.js';
import { benchHtml } from './bench-html.js';

const failures = (c: BenchConfigResult) => c.errors.oom + c.errors.timeout + c.errors.error;

/** "—", or "3 OOM, 1 timeout". */
function errorsCell(c: BenchConfigResult): string {
  const e = c.errors;
  return failures(c) ? [e.oom && `${e.oom} OOM`, e.timeout && `${e.timeout} timeout`, e.error && `${e.error} error`].filter(Boolean).join(', ') : '—';
}

const ms = (has: number[] | undefined, v: number | undefined) => (has?.length && v !== undefined ? formatMs(v) : '—');
const cost = (usd: number) => (usd ? formatUsd(usd) : '—');

/** The table's columns: `drop` says which go first when the terminal is narrow (0 = never). */
function columns(stable: boolean): { col: Column; cell: (c: BenchConfigResult) => string }[] {
  return [
    { col: { head: 'target' }, cell: (c) => c.target },
    { col: { head: 'memory' }, cell: (c) => `${c.memoryMb} MB` },
    { col: { head: 'vCPU', drop: 6 }, cell: (c) => c.vcpu.toFixed(c.vcpu < 1 ? 3 : 2) },
    { col: { head: 'init p50', drop: 4 }, cell: (c) => ms(c.samples.initMs, c.initMs.p50) },
    { col: { head: 'init p90', drop: 11 }, cell: (c) => ms(c.samples.initMs, c.initMs.p90) },
    { col: { head: 'cold p50' }, cell: (c) => ms(c.samples.coldTotalMs, c.coldTotalMs.p50) },
    { col: { head: 'cold p90', drop: 5 }, cell: (c) => ms(c.samples.coldTotalMs, c.coldTotalMs.p90) },
    { col: { head: 'warm p50' }, cell: (c) => ms(c.samples.warmMs, c.warmMs.p50) },
    { col: { head: 'warm p90', drop: 3 }, cell: (c) => ms(c.samples.warmMs, c.warmMs.p90) },
    { col: { head: 'warm p99', drop: 9 }, cell: (c) => ms(c.samples.warmMs, c.warmMs.p99 ?? c.warmMs.p90) },
    { col: { head: LOAD_HEADS.cpu, drop: 10 }, cell: cpuCell },
    { col: { head: LOAD_HEADS.contention, wrap: true, drop: 7 }, cell: contentionCell },
    ...(stable ? [{ col: { head: LOAD_HEADS.wall, drop: 12 }, cell: wallCell }] : []),
    { col: { head: 'peak', drop: 2 }, cell: (c) => formatMemoryMb(c.peakMemoryMb) },
    { col: { head: 'billed', drop: 8 }, cell: (c) => (c.billedMs ? `${c.billedMs} ms` : '—') },
    { col: { head: '$ / 1M', drop: 1 }, cell: (c) => cost(c.costPerMillion) },
    { col: { head: 'errors' }, cell: errorsCell },
  ];
}

const CPU_MODE = { cgroup: 'cgroup (CFS quota = vCPU × 100 ms period)', scale: 'scale (projected from CPU and wall time)', off: 'off (full machine)' } as const;

export function benchHuman(r: BenchReport, o: HumanOptions = {}): string {
  const cols = columns(r.estimate === 'stable');
  const fitted = fitTable(cols.map((c) => c.col), r.configurations.map((c) => cols.map((x) => x.cell(c))), { width: o.verbose ? undefined : o.width });
  const lines = [`${r.input}${r.backend ? ` · ${r.backend}` : ''}`, fitted.text, ...fitNote(fitted.hidden, o.width, o.verboseFlag)];
  const notes: string[] = [];
  for (const c of r.configurations) {
    const where = `${c.target} ${c.memoryMb} MB`;
    for (const m of c.errors.messages.slice(0, 3)) notes.push(`${where}: ${m}`);
    if (c.leakWarning) notes.push(`${where}: memory grows ${c.memoryGrowthKbPerInvoke.toFixed(0)} KB per warm invocation (after GC): a leak?`);
    for (const n of c.notes ?? []) notes.push(`${where}: ${n}`);
  }
  if (r.recommendations.length) {
    lines.push('', 'Recommendations:');
    for (const x of r.recommendations) {
      const latency = x.latencyMs !== undefined ? `latency ${formatMs(x.latencyMs)}` : `warm p50 ${formatMs(x.warmP50Ms)}`;
      lines.push(`  ${x.strategy.padEnd(24)} ${x.target} ${x.memoryMb} MB  ${latency}  ${cost(x.costPerMillion)} / 1M  (${x.reason})`);
    }
  } else {
    lines.push('', 'No recommendation: every configuration had out-of-memory, timeout or errors.');
  }
  if (notes.length) lines.push('', ...notes.map((n) => `  ! ${n}`));
  if (r.cpuMode && r.memoryLimitMode) {
    const mem = r.memoryLimitMode === 'cgroup' ? 'cgroup (kernel limit)' : 'watchdog (RSS sampled every 5 ms)';
    lines.push('', `CPU share: ${CPU_MODE[r.cpuMode]}; memory limit: ${mem}; durations are warm unless marked; $ / 1M = warm requests incl. request fee.`);
  } else {
    lines.push('');
  }
  lines.push(...benchNotes(r));
  for (const p of r.cgroupProblems ?? []) lines.push(`  (cgroups not used: ${p})`);
  return lines.join('\n');
}

function benchMarkdown(r: BenchReport): string {
  const stable = r.estimate === 'stable';
  const errors = r.configurations.some((c) => failures(c) > 0);
  const lines = [`### ${errors ? '⚠️' : '📊'} dlpack bench: ${cell(r.input)}${r.backend ? ` (${cell(r.backend)})` : ''}`, ''];
  lines.push(
    table(
      ['Target', 'Memory', 'vCPU', 'Init p50', 'Cold p50 / p90', 'Warm p50 / p90', cap(LOAD_HEADS.cpu), cap(LOAD_HEADS.contention), ...(stable ? [cap(LOAD_HEADS.wall)] : []), 'Peak memory', 'Cost / 1M', 'Errors'],
      r.configurations.map((c) => [
        c.target,
        `${c.memoryMb} MB`,
        String(Number(c.vcpu.toFixed(3))),
        formatMs(c.initMs.p50),
        `${formatMs(c.coldTotalMs.p50)} / ${formatMs(c.coldTotalMs.p90)}`,
        `${formatMs(c.warmMs.p50)} / ${formatMs(c.warmMs.p90)}`,
        cpuCell(c),
        contentionCell(c),
        ...(stable ? [wallCell(c)] : []),
        `${formatMemoryMb(c.peakMemoryMb)}${c.leakWarning ? ' ⚠️ growing' : ''}`,
        formatUsd(c.costPerMillion),
        errorsCell(c),
      ]),
    ),
    '',
  );
  if (r.recommendations.length) {
    lines.push(
      table(
        ['Strategy', 'Choice', 'Cost / 1M', 'Warm p50', 'Why'],
        r.recommendations.map((x) => [x.strategy, `${x.target} ${x.memoryMb} MB`, formatUsd(x.costPerMillion), formatMs(x.warmP50Ms), x.reason]),
      ),
      '',
    );
  }
  lines.push(...subNotes(benchNotes(r)));
  return lines.join('\n');
}

function benchJunit(r: BenchReport): JunitSuite {
  const cases = r.configurations.map((c) => {
    const n = failures(c);
    const load = c.cpuMs || c.contentionShare ? `, ${LOAD_HEADS.cpu} ${cpuCell(c)}, ${LOAD_HEADS.contention} ${contentionCell(c)}` : '';
    const summary = `init p50 ${formatMs(c.initMs.p50)}, cold p50 ${formatMs(c.coldTotalMs.p50)}, warm p50 ${formatMs(c.warmMs.p50)}, peak ${formatMemoryMb(c.peakMemoryMb)}${load} (${c.estimate === 'stable' ? 'load-robust estimate' : 'wall time'})`;
    const failure = n ? { message: `${c.errors.oom} out-of-memory, ${c.errors.timeout} timed out, ${c.errors.error} failed${c.errors.messages[0] ? `: ${c.errors.messages[0]}` : ''}`, type: 'run' } : undefined;
    return { classname: `dlpack.bench.${c.target}`, name: `${c.memoryMb} MB`, failure, out: summary + (c.leakWarning ? ' (memory grows per invocation)' : '') };
  });
  return { name: 'dlpack bench', timestamp: r.createdAt, cases: [...cases, ...notesCase('dlpack.bench', benchNotes(r))] };
}

function benchAnnotations(r: BenchReport): Annotation[] {
  const out: Annotation[] = [];
  for (const c of r.configurations) {
    if (failures(c)) out.push({ level: 'error', title: `dlpack bench: ${c.target} ${c.memoryMb} MB failed`, message: `${c.errors.oom} out-of-memory, ${c.errors.timeout} timed out, ${c.errors.error} failed` });
    if (c.leakWarning) out.push({ level: 'warning', title: 'dlpack bench: memory grows', message: `${c.target} ${c.memoryMb} MB: +${c.memoryGrowthKbPerInvoke.toFixed(1)} KB per warm invocation` });
  }
  for (const w of r.loadWarnings ?? loadWarnings(r.configurations)) out.push({ level: 'warning', title: 'dlpack bench: machine under load', message: w });
  return out;
}

export const bench: KindRenderer<BenchReport> = { human: benchHuman, markdown: benchMarkdown, junit: benchJunit, html: benchHtml, annotations: benchAnnotations };
