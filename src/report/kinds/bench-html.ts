/**
 * The bench report's HTML section: latency, cold start, cost and peak memory against memory size
 * per target, cold vs warm distributions, the share of time spent waiting for a CPU, the data
 * table. Budgets of the config are drawn only where they apply — the model's targets and memory
 * sizes (all measured sizes when the config names none), as `dlpack check` judges them.
 */
import type { BudgetKey } from '../../config/budget-keys.js';
import type { ResolvedModel } from '../../config/resolve-budgets.js';
import type { BenchConfigResult, BenchReport } from '../../core/reports/schemas.js';
import { escapeXml as esc } from '../../core/text.js';
import { formatMemoryMb, formatMs, formatMsCompact, formatPercent, formatUsd, formatUsdCompact } from '../../core/units.js';
import { htmlTable, notesHtml } from '../html/page-parts.js';
import { barChart, distributionChart, lineChart, PALETTE, type Reference } from '../html/svg-charts.js';
import type { HtmlContext } from '../render-types.js';
import { benchNotes, contentionCell, cpuCell, LOAD_HEADS, wallCell } from './bench-cells.js';

/** Amber: time lost to other load on the benching machine. */
const CONTENTION = '#d97706';

/** The configurations a model's budgets apply to: its targets, and its memory sizes when it names any. */
export function appliesTo(model: ResolvedModel | undefined, c: BenchConfigResult): boolean {
  return Boolean(model) && model!.targets.includes(c.target) && (!model!.memory || model!.memory.includes(c.memoryMb));
}

export function benchHtml(r: BenchReport, ctx: HtmlContext): string {
  const model = ctx.model;
  const targets = [...new Set(r.configurations.map((c) => c.target))];
  const by = (t: string) => r.configurations.filter((c) => c.target === t).sort((a, z) => a.memoryMb - z.memoryMb);
  const multi = targets.length > 1;
  const name = (t: string, what: string) => (multi ? `${t} ${what}` : what);
  const rowName = (c: BenchConfigResult, what: string) => `${multi ? c.target + ' ' : ''}${c.memoryMb} MB ${what}`;
  const applicable = r.configurations.filter((c) => appliesTo(model, c));
  const sizes = [...new Set(applicable.map((c) => c.memoryMb))];
  const budget = (k: BudgetKey) => model?.budgets.find((b) => b.key === k && !b.ofMemory);
  const refs = (keys: BudgetKey[]): Reference[] => keys.flatMap((k) => (budget(k) && sizes.length ? [{ label: `budget ${budget(k)!.spec.label}`, value: budget(k)!.limit, at: sizes }] : []));
  const memAxis = { xLabel: 'memory (MB, log scale)', formatX: (v: number) => `${v} MB`, logX: true };
  const charts: string[] = [
    lineChart({
      title: 'Warm invocation latency by memory size',
      yLabel: 'latency (ms)',
      ...memAxis,
      series: targets.flatMap((t, i) => [
        { name: name(t, 'warm p50'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.warmMs.p50 })), color: PALETTE[(2 * i) % PALETTE.length] },
        { name: name(t, 'warm p90'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.warmMs.p90 })), color: PALETTE[(2 * i) % PALETTE.length], dashed: true },
      ]),
      budgets: refs(['warmP50', 'warmP90', 'warmP95']),
      formatY: formatMsCompact,
    }),
    lineChart({
      title: 'Cold start by memory size',
      yLabel: 'duration (ms)',
      ...memAxis,
      series: targets.flatMap((t, i) => [
        { name: name(t, 'cold p50'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.coldTotalMs.p50 })), color: PALETTE[(2 * i + 1) % PALETTE.length] },
        { name: name(t, 'cold p90'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.coldTotalMs.p90 })), color: PALETTE[(2 * i + 1) % PALETTE.length], dashed: true },
        { name: name(t, 'init p50'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.initMs.p50 })), color: PALETTE[(2 * i + 2) % PALETTE.length] },
      ]),
      budgets: refs(['coldP50', 'coldP90', 'initP50', 'initP90']),
      formatY: formatMsCompact,
    }),
    lineChart({
      title: 'Cost per 1M requests by memory size',
      yLabel: 'USD per 1M requests',
      ...memAxis,
      series: targets.map((t, i) => ({ name: name(t, 'cost / 1M'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.costPerMillion })), color: PALETTE[(i + 2) % PALETTE.length] })),
      budgets: refs(['costPer1M']),
      formatY: formatUsdCompact,
    }),
  ];
  const share = model?.budgets.find((b) => b.key === 'peakMemory' && b.ofMemory);
  charts.push(
    lineChart({
      title: 'Peak memory by memory size',
      yLabel: 'peak memory (MB)',
      ...memAxis,
      series: [
        ...targets.map((t, i) => ({ name: name(t, 'peak'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.peakMemoryMb })), color: PALETTE[(i + 3) % PALETTE.length] })),
        // a share of the configured memory: one point per size it applies to
        ...(share && applicable.length
          ? [{ name: `budget ${formatPercent(share.limit)} of memory`, points: [...new Set(applicable.map((c) => c.memoryMb))].sort((a, b) => a - b).map((m) => ({ x: m, y: m * share.limit })), color: '#dc2626', dashed: true }]
          : []),
      ],
      budgets: refs(['peakMemory']),
      formatY: (v) => `${Math.round(v)} MB`,
    }),
  );
  const ok = r.configurations.filter((c) => c.coldStarts > 0);
  const rows = ok.flatMap((c) => [
    { label: rowName(c, 'cold'), values: c.samples?.coldTotalMs ?? [], color: PALETTE[1] },
    { label: rowName(c, 'warm'), values: c.samples?.warmMs ?? [], color: PALETTE[0] },
  ]);
  if (rows.some((x) => x.values.length)) {
    const rowRef = (k: BudgetKey, what: string): Reference[] => {
      const b = budget(k);
      return b ? [{ label: `budget ${b.spec.label}`, value: b.limit, at: ok.filter((c) => appliesTo(model, c)).map((c) => rowName(c, what)) }] : [];
    };
    charts.push(distributionChart({ title: 'Cold vs warm distributions (all samples, log scale)', xLabel: 'duration (ms, log)', rows, budgets: [...rowRef('coldP50', 'cold'), ...rowRef('warmP50', 'warm')], format: formatMsCompact, width: 1100 }));
  }
  const loaded = r.configurations.filter((c) => c.contentionShare);
  if (loaded.length) {
    charts.push(
      barChart({
        title: 'Wall time spent waiting for a CPU other work held',
        xLabel: 'share of wall time (%)',
        bars: loaded.flatMap((c) => [
          { label: rowName(c, 'INIT'), value: Math.round(c.contentionShare!.init * 1000) / 10, color: CONTENTION },
          { label: rowName(c, 'warm'), value: Math.round(c.contentionShare!.warm * 1000) / 10, color: CONTENTION },
        ]),
        budgets: [{ label: 'material (10%)', value: 10 }],
        format: (v) => `${Number(v.toPrecision(3))}%`,
      }),
    );
  }
  const stable = r.estimate === 'stable';
  const data = htmlTable(
    ['target', 'memory', 'vCPU', 'init p50', 'cold p50', 'cold p90', 'warm p50', 'warm p90', LOAD_HEADS.cpu, LOAD_HEADS.contention, ...(stable ? [LOAD_HEADS.wall] : []), 'peak', 'cost / 1M', 'errors'],
    r.configurations.map((c) => [
      c.target,
      `${c.memoryMb} MB`,
      String(Number(c.vcpu.toFixed(3))),
      formatMs(c.initMs.p50),
      formatMs(c.coldTotalMs.p50),
      formatMs(c.coldTotalMs.p90),
      formatMs(c.warmMs.p50),
      formatMs(c.warmMs.p90),
      cpuCell(c),
      contentionCell(c),
      ...(stable ? [wallCell(c)] : []),
      formatMemoryMb(c.peakMemoryMb),
      formatUsd(c.costPerMillion),
      String(c.errors.oom + c.errors.timeout + c.errors.error || '—'),
    ]),
  );
  const recs = r.recommendations.length
    ? `<ul class="recs">${r.recommendations.map((x) => `<li><b>${esc(x.strategy)}</b>: ${esc(`${x.target} ${x.memoryMb} MB — ${formatUsd(x.costPerMillion)} / 1M, warm p50 ${formatMs(x.warmP50Ms)} (${x.reason})`)}</li>`).join('')}</ul>`
    : '';
  return `<section><h2>Bench: ${esc(r.input)}${r.backend ? ` <small>${esc(r.backend)}</small>` : ''}</h2>${notesHtml(benchNotes(r))}${recs}<div class="charts">${charts.join('')}</div>${data}</section>`;
}
