/**
 * `dlpack report --format html`: one self-contained page (inline CSS and SVG, no script, no
 * network) for any mix of bench, bundle, transform and check reports, with the config's budgets
 * drawn on the charts.
 */
import type { BenchReport, BundleReport, CheckReport, TransformReport } from '../../../core/reports/schemas.js';
import type { LoadedReport } from '../../../core/reports/read-report.js';
import type { ResolvedBudget, ResolvedConfig } from '../../../config/resolve-budgets.js';
import type { BudgetKey } from '../../../config/budget-keys.js';
import { belongsTo } from '../../../budgets/collect-actuals.js';
import { formatBytes, formatMs, formatUsd, formatPercent } from '../../../core/units.js';
import { STATUS_WORD, checkHeadline, checkNotes, rowActual, rowBaseline, rowDelta, rowLimit, rowNoise, rowWhere } from '../check-rows.js';
import { benchNotes, contentionCell, cpuCell, LOAD_HEADS, wallCell } from '../bench-cells.js';
import { barChart, distributionChart, esc, lineChart, PALETTE, type Reference } from './svg-charts.js';
import { PAGE_CSS } from './page-style.js';

type Budgets = Partial<Record<BudgetKey, ResolvedBudget>>;

function budgetsFor(config: ResolvedConfig | undefined, loaded: LoadedReport): Budgets {
  if (!config) return {};
  const model = config.models.find((m) => belongsTo(m, loaded, config.models.length === 1));
  return Object.fromEntries((model?.budgets ?? []).map((b) => [b.key, b]));
}

function refs(b: Budgets, keys: BudgetKey[]): Reference[] {
  return keys.flatMap((k) => (b[k] && !b[k]!.ofMemory ? [{ label: `budget ${b[k]!.spec.label}`, value: b[k]!.limit }] : []));
}

function table(head: string[], rows: string[][], rowClass?: (i: number) => string): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r, i) => `<tr${rowClass ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

const mb = (v: number) => `${v} MB`;
const short = (v: number) => String(Number(v.toPrecision(3)));
/** Compact labels for axes and chart labels (tables keep the full formats). */
const ms = (v: number) => (Math.abs(v) >= 1000 ? `${short(v / 1000)} s` : `${short(v)} ms`);
const usd = (v: number) => `$${short(v)}`;
const bytes = (v: number) => (v >= 1e9 ? `${short(v / 1e9)} GB` : v >= 1e6 ? `${short(v / 1e6)} MB` : v >= 1e3 ? `${short(v / 1e3)} kB` : `${v} B`);

/** Amber: time lost to other load on the benching machine. */
const CONTENTION = '#d97706';

/** Notes as paragraphs; warnings (leading ⚠) stand out. */
function notesHtml(lines: string[]): string {
  return lines.map((l) => (l.startsWith('⚠') ? `<p class="warn-note">${esc(l)}</p>` : `<p class="note">${esc(l)}</p>`)).join('');
}

function benchSection(r: BenchReport, b: Budgets): string {
  const targets = [...new Set(r.configurations.map((c) => c.target))];
  const by = (t: string) => r.configurations.filter((c) => c.target === t).sort((a, z) => a.memoryMb - z.memoryMb);
  const multi = targets.length > 1;
  const name = (t: string, what: string) => (multi ? `${t} ${what}` : what);
  const ok = r.configurations.filter((c) => c.coldStarts > 0);
  const charts: string[] = [];
  charts.push(
    lineChart({
      title: 'Warm invocation latency by memory size',
      xLabel: 'memory (MB)',
      yLabel: 'latency (ms)',
      series: targets.flatMap((t, i) => [
        { name: name(t, 'warm p50'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.warmMs.p50 })), color: PALETTE[(2 * i) % PALETTE.length] },
        { name: name(t, 'warm p90'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.warmMs.p90 })), color: PALETTE[(2 * i) % PALETTE.length], dashed: true },
      ]),
      budgets: refs(b, ['warmP50', 'warmP90', 'warmP95']),
      formatX: mb,
      formatY: ms,
    }),
    lineChart({
      title: 'Cold start by memory size',
      xLabel: 'memory (MB)',
      yLabel: 'duration (ms)',
      series: targets.flatMap((t, i) => [
        { name: name(t, 'cold p50'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.coldTotalMs.p50 })), color: PALETTE[(2 * i + 1) % PALETTE.length] },
        { name: name(t, 'cold p90'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.coldTotalMs.p90 })), color: PALETTE[(2 * i + 1) % PALETTE.length], dashed: true },
        { name: name(t, 'init p50'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.initMs.p50 })), color: PALETTE[(2 * i + 2) % PALETTE.length] },
      ]),
      budgets: refs(b, ['coldP50', 'coldP90', 'initP50', 'initP90']),
      formatX: mb,
      formatY: ms,
    }),
    lineChart({
      title: 'Cost per 1M requests by memory size',
      xLabel: 'memory (MB)',
      yLabel: 'USD per 1M requests',
      series: targets.map((t, i) => ({ name: name(t, 'cost / 1M'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.costPerMillion })), color: PALETTE[(i + 2) % PALETTE.length] })),
      budgets: refs(b, ['costPer1M']),
      formatX: mb,
      formatY: usd,
    }),
  );
  const peak = b.peakMemory;
  charts.push(
    lineChart({
      title: 'Peak memory by memory size',
      xLabel: 'memory (MB)',
      yLabel: 'peak memory (MB)',
      series: [
        ...targets.map((t, i) => ({ name: name(t, 'peak'), points: by(t).map((c) => ({ x: c.memoryMb, y: c.peakMemoryMb })), color: PALETTE[(i + 3) % PALETTE.length] })),
        ...(peak?.ofMemory
          ? [{ name: `budget ${formatPercent(peak.limit)} of memory`, points: targets.flatMap((t) => by(t)).map((c) => ({ x: c.memoryMb, y: c.memoryMb * peak.limit })), color: '#dc2626', dashed: true }]
          : []),
      ],
      budgets: refs(b, ['peakMemory']),
      formatX: mb,
      formatY: (v) => `${Math.round(v)} MB`,
    }),
  );
  const rows = ok.flatMap((c) => [
    { label: `${multi ? c.target + ' ' : ''}${c.memoryMb} MB cold`, values: c.samples?.coldTotalMs ?? [], color: PALETTE[1] },
    { label: `${multi ? c.target + ' ' : ''}${c.memoryMb} MB warm`, values: c.samples?.warmMs ?? [], color: PALETTE[0] },
  ]);
  if (rows.some((x) => x.values.length)) {
    charts.push(distributionChart({ title: 'Cold vs warm distributions (all samples, log scale)', xLabel: 'duration (ms, log)', rows, budgets: refs(b, ['coldP50', 'warmP50']), format: ms, width: 1100 }));
  }
  const loaded = r.configurations.filter((c) => c.contentionShare);
  if (loaded.length) {
    charts.push(
      barChart({
        title: 'Wall time spent waiting for a CPU other work held',
        xLabel: 'share of wall time (%)',
        bars: loaded.flatMap((c) => [
          { label: `${multi ? c.target + ' ' : ''}${c.memoryMb} MB INIT`, value: Math.round(c.contentionShare!.init * 1000) / 10, color: CONTENTION },
          { label: `${multi ? c.target + ' ' : ''}${c.memoryMb} MB warm`, value: Math.round(c.contentionShare!.warm * 1000) / 10, color: CONTENTION },
        ]),
        budgets: [{ label: 'material (10%)', value: 10 }],
        format: (v) => `${short(v)}%`,
      }),
    );
  }
  const stable = r.estimate === 'stable';
  const data = table(
    ['target', 'memory', 'vCPU', 'init p50', 'cold p50', 'cold p90', 'warm p50', 'warm p90', LOAD_HEADS.cpu, LOAD_HEADS.contention, ...(stable ? [LOAD_HEADS.wall] : []), 'peak', 'cost / 1M', 'errors'],
    r.configurations.map((c) => [
      c.target,
      mb(c.memoryMb),
      String(Number(c.vcpu.toFixed(3))),
      formatMs(c.initMs.p50),
      formatMs(c.coldTotalMs.p50),
      formatMs(c.coldTotalMs.p90),
      formatMs(c.warmMs.p50),
      formatMs(c.warmMs.p90),
      cpuCell(c),
      contentionCell(c),
      ...(stable ? [wallCell(c)] : []),
      `${Math.round(c.peakMemoryMb)} MB`,
      formatUsd(c.costPerMillion),
      String(c.errors.oom + c.errors.timeout + c.errors.error || '—'),
    ]),
  );
  const recs = r.recommendations.length
    ? `<ul class="recs">${r.recommendations.map((x) => `<li><b>${esc(x.strategy)}</b>: ${esc(`${x.target} ${x.memoryMb} MB — ${formatUsd(x.costPerMillion)} / 1M, warm p50 ${formatMs(x.warmP50Ms)} (${x.reason})`)}</li>`).join('')}</ul>`
    : '';
  return `<section><h2>Bench: ${esc(r.input)}${r.backend ? ` <small>${esc(r.backend)}</small>` : ''}</h2>${notesHtml(benchNotes(r))}${recs}<div class="charts">${charts.join('')}</div>${data}</section>`;
}

function topWithOther(items: { label: string; value: number }[], n: number): { label: string; value: number }[] {
  const sorted = [...items].sort((a, b) => b.value - a.value);
  const top = sorted.slice(0, n);
  const rest = sorted.slice(n).reduce((s, x) => s + x.value, 0);
  return rest > 0 ? [...top, { label: `${sorted.length - n} other`, value: rest }] : top;
}

function bundleSection(r: BundleReport, b: Budgets): string {
  const charts: string[] = [];
  const totals = [
    ...(r.zipBytes !== undefined ? [{ label: 'zipped', value: r.zipBytes, color: PALETTE[0] }] : []),
    { label: 'unzipped', value: r.unzippedBytes, color: PALETTE[1] },
  ];
  charts.push(
    barChart({
      title: `Artifact size (${r.target}) against budgets`,
      xLabel: 'bytes',
      bars: totals,
      budgets: [...refs(b, ['zipped', 'unzipped']), ...r.limits.filter((l) => l.limit === 'zipped' || l.limit === 'unzipped').map((l) => ({ label: `${r.target} ${l.limit} limit`, value: l.limitBytes }))],
      format: bytes,
    }),
    barChart({ title: 'Files in the artifact (unzipped)', xLabel: 'bytes', bars: topWithOther(r.files.map((f) => ({ label: f.path, value: f.bytes })), 12), format: bytes, width: 1130 }),
  );
  if (r.bundleInputs.length) {
    charts.push(barChart({ title: 'JavaScript bundle by input module (esbuild metafile)', xLabel: 'bytes', bars: topWithOther(r.bundleInputs.map((f) => ({ label: f.path, value: f.bytes, color: PALETTE[2] })), 12).map((x) => ({ ...x, color: PALETTE[2] })), format: bytes, width: 1130 }));
  }
  const limits = r.limits.length
    ? table(['limit', 'actual', 'allowed', 'status', 'source'], r.limits.map((l) => [l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? 'pass' : 'FAIL', l.source]), (i) => (r.limits[i].pass ? 'pass' : 'fail'))
    : '';
  return `<section><h2>Bundle: ${esc(`${r.target} · ${r.runtime} · ${r.arch}`)}</h2><p>${esc(`zipped ${r.zipBytes !== undefined ? formatBytes(r.zipBytes) : '—'}, unzipped ${formatBytes(r.unzippedBytes)}, ${r.files.length} files, model ${r.model}`)}</p><div class="charts">${charts.join('')}</div>${limits}</section>`;
}

function transformSection(r: TransformReport): string {
  const acc = r.accuracy
    ? table(['output', 'max abs error', 'mean abs error', 'cosine', 'top-1'], r.accuracy.outputs.map((o) => [o.name, o.maxAbsError.toPrecision(3), o.meanAbsError.toPrecision(3), o.cosine.toFixed(6), o.top1Agreement !== undefined ? formatPercent(o.top1Agreement) : '—']))
    : '';
  const sizes = barChart({ title: 'Model size', xLabel: 'bytes', bars: [{ label: 'before', value: r.bytesBefore, color: PALETTE[1] }, { label: `after (${r.mode})`, value: r.bytesAfter, color: PALETTE[2] }], format: bytes });
  return `<section><h2>${esc(`${r.kind} ${r.mode}: ${r.input} → ${r.output}`)}</h2><div class="charts">${sizes}</div>${acc}</section>`;
}

const STATUS_COLOUR = { pass: '#059669', warn: '#d97706', fail: '#dc2626', missing: '#9ca3af' } as const;

function checkSection(r: CheckReport): string {
  const withNoise = r.results.some((x) => x.noise);
  const withBaseline = r.results.some((x) => x.baseline);
  const rows = r.results.map((x) => [STATUS_WORD[x.status], x.label, rowWhere(x), rowLimit(x), rowActual(x), ...(withNoise ? [rowNoise(x)] : []), rowDelta(x), ...(withBaseline ? [rowBaseline(x)] : []), x.reason ?? '']);
  // How much of each upper-limit budget is used (100% = at the limit).
  const used = r.results
    .filter((x) => x.direction === 'max' && x.actual !== undefined && x.limit > 0)
    .map((x) => ({ label: `${x.label}${x.memoryMb !== undefined ? ` · ${x.memoryMb} MB` : ''}`, value: Math.round((x.actual! / x.limit) * 1000) / 10, color: STATUS_COLOUR[x.status] }));
  const chart = used.length
    ? `<div class="charts">${barChart({ title: 'Share of each budget used', xLabel: '% of the limit', bars: used, budgets: [{ label: 'limit', value: 100 }], format: (v) => `${short(v)}%`, width: 1100 })}</div>`
    : '';
  const head = ['status', 'budget', 'where', 'limit', 'actual', ...(withNoise ? ['noise'] : []), 'delta', ...(withBaseline ? ['baseline'] : []), 'note'];
  return `<section><h2>Budgets: ${esc(checkHeadline(r))}</h2>${notesHtml(checkNotes(r))}${chart}${table(head, rows, (i) => r.results[i].status)}</section>`;
}

export function renderHtml(reports: LoadedReport[], options: { config?: ResolvedConfig; title?: string; generatedAt?: string } = {}): string {
  const sections = reports.map((l) => {
    switch (l.kind) {
      case 'bench':
        return benchSection(l.report, budgetsFor(options.config, l));
      case 'bundle':
        return bundleSection(l.report, budgetsFor(options.config, l));
      case 'transform':
        return transformSection(l.report);
      case 'check':
        return checkSection(l.report);
    }
  });
  const title = options.title ?? 'dlpack report';
  const when = options.generatedAt ?? new Date().toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="meta">${esc(`generated ${when} from ${reports.map((r) => r.file).join(', ')}`)}${options.config?.file ? esc(` · budgets from ${options.config.file}`) : ''}</p></header>
<main>${sections.join('\n')}</main>
</body>
</html>
`;
}
