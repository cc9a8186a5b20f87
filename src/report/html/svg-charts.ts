/**
 * Three chart kinds as SVG strings, drawn by hand (no browser, no network): lines (latency or cost
 * against memory size, the Lambda Power Tuning view), box-and-strip distributions (cold vs warm
 * samples) and horizontal bars (artifact size breakdown). Budgets are dashed reference lines drawn
 * only where they apply (the memory sizes, the rows of their configuration), each labelled without
 * covering another label (labels.ts). Every chart has a <title> and labelled axes; values appear
 * in <title> tooltips. Box plots use dlpack's one percentile (nearest rank, src/core/stats).
 */
import { percentile, sortedCopy } from '../../core/stats/percentiles.js';
import { escapeXml as esc } from '../../core/text.js';
import { freeBaseline, labelBox, legendRows, textWidth, thinTicks, type Box } from './labels.js';
import { linearScale, logScale } from './svg-scale.js';

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
const BUDGET_COLOR = '#dc2626';

export interface Reference {
  label: string;
  value: number;
  /** Where it applies: x values (line charts) or row labels (distributions); absent = everywhere. */
  at?: (number | string)[];
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const dash = (x1: number, x2: number, y1: number, y2: number) =>
  `<line x1="${r1(x1)}" x2="${r1(x2)}" y1="${r1(y1)}" y2="${r1(y2)}" stroke="${BUDGET_COLOR}" stroke-width="1.5" stroke-dasharray="4 4" class="budget"/>`;
const budgetText = (x: number, y: number, anchor: string, text: string) =>
  `<text x="${r1(x)}" y="${r1(y)}" text-anchor="${anchor}" class="budget-label">${esc(text)}</text>`;

function open(title: string, f: Frame): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>` +
    `<text x="${f.left}" y="18" class="chart-title">${esc(title)}</text>`;
}

function yAxis(y: (v: number) => number, ticks: number[], f: Frame, format: (v: number) => string, label: string): string {
  let out = '';
  for (const t of ticks) {
    const py = r1(y(t));
    out += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${py}" y2="${py}" class="grid"/><text x="${f.left - 6}" y="${py + 4}" text-anchor="end" class="tick">${esc(format(t))}</text>`;
  }
  const mid = (f.top + f.height - f.bottom) / 2;
  return out + `<text transform="translate(13 ${mid}) rotate(-90)" text-anchor="middle" class="axis-label">${esc(label)}</text>`;
}

/** The x axis with a mark at every tick and a label where it does not run into its neighbour. */
function xAxisBottom(x: (v: number) => number, f: Frame, ticks: number[], format: (v: number) => string, label: string): string {
  const base = f.height - f.bottom;
  const labels = ticks.map(format);
  const keep = thinTicks(ticks.map(x), labels);
  let out = `<line x1="${f.left}" x2="${f.width - f.right}" y1="${base}" y2="${base}" class="axis"/>`;
  ticks.forEach((t, i) => {
    const px = r1(x(t));
    out += `<line x1="${px}" x2="${px}" y1="${base}" y2="${base + 4}" class="axis"/>`;
    if (keep[i]) out += `<text x="${px}" y="${base + 17}" text-anchor="middle" class="tick">${esc(labels[i])}</text>`;
  });
  return out + `<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" text-anchor="middle" class="axis-label">${esc(label)}</text>`;
}

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  budgets?: Reference[];
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  /** Log2 x (memory sizes from 128 MB to 10 GB): equal steps for doublings. */
  logX?: boolean;
  width?: number;
  height?: number;
}

/** Runs of consecutive measured x values a reference applies to, as [first, last] pairs. */
function runs(xs: number[], at: (number | string)[] | undefined): [number, number][] {
  const on = xs.map((v) => !at || at.includes(v));
  const out: [number, number][] = [];
  on.forEach((yes, i) => {
    if (!yes) return;
    if (i > 0 && on[i - 1]) out[out.length - 1][1] = xs[i];
    else out.push([xs[i], xs[i]]);
  });
  return out;
}

/** Lines over a numeric x (memory size), with a tick at each measured x when there are few. */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 540;
  const legend = legendRows(o.series.map((s) => s.name), 76, width - 16);
  const extra = 14 * Math.max(0, ...legend.map((l) => l.row));
  const f: Frame = { width, height: (o.height ?? 300) + extra, left: 76, right: 16, top: 46 + extra, bottom: 42 };
  const xs = [...new Set(o.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const tx = (v: number) => (o.logX ? Math.log2(Math.max(v, 1e-9)) : v);
  const xl = linearScale(tx(xs[0] ?? 0), tx(xs[xs.length - 1] ?? 1), f.left + 10, f.width - f.right - 10, 6, false);
  const x = (v: number) => xl(tx(v));
  const budgets = (o.budgets ?? []).map((b) => ({ b, runs: runs(xs, b.at) })).filter((r) => r.runs.length);
  const ys = [...o.series.flatMap((s) => s.points.map((p) => p.y)), ...budgets.map((r) => r.b.value)];
  const y = linearScale(0, Math.max(...ys) * 1.08, f.height - f.bottom, f.top, 5);
  const fx = o.formatX ?? String;
  const fy = o.formatY ?? String;
  const xticks = xs.length <= 12 || o.logX ? xs : linearScale(xs[0], xs[xs.length - 1], 0, 1, 6).ticks.filter((t) => t >= xs[0] && t <= xs[xs.length - 1]);
  let out = open(o.title, f) + yAxis(y, y.ticks, f, fy, o.yLabel) + xAxisBottom(x, f, xticks, fx, o.xLabel);
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${r1(x(p.x))} ${r1(y(p.y))}`).join(' ');
    out += `<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    for (const p of pts) out += `<circle cx="${r1(x(p.x))}" cy="${r1(y(p.y))}" r="3.5" fill="${color}"><title>${esc(`${s.name} at ${fx(p.x)}: ${fy(p.y)}`)}</title></circle>`;
  });
  // Budget lines where they apply; labels from the top line down, each at the nearest free height.
  const plot = { left: f.left, right: f.width - f.right };
  const taken: Box[] = [];
  for (const { b, runs: rs } of [...budgets].sort((p, q) => q.b.value - p.b.value)) {
    const py = y(b.value);
    const whole = rs.length === 1 && rs[0][0] === xs[0] && rs[0][1] === xs[xs.length - 1];
    const spans = rs.map(([a, z]) => (whole ? [plot.left, plot.right] : [Math.max(plot.left, x(a) - 14), Math.min(plot.right, x(z) + 14)]));
    for (const [x1, x2] of spans) out += dash(x1, x2, py, py);
    const text = `${b.label} ${fy(b.value)}`;
    const w = textWidth(text, 'bold');
    const [s1, s2] = spans[spans.length - 1];
    const [ax, anchor] = s2 - 4 - w >= plot.left ? [s2 - 4, 'end' as const] : s1 + 4 + w <= plot.right ? [s1 + 4, 'start' as const] : [plot.left + 2, 'start' as const];
    const at = freeBaseline(py - 5, (yy) => labelBox(ax, yy, w, anchor), taken, f.top + 2, f.height - f.bottom - 2);
    if (at === undefined) continue;
    taken.push(labelBox(ax, at, w, anchor));
    out += budgetText(ax, at, anchor, text);
  }
  o.series.forEach((s, i) => {
    const { x: lx, row } = legend[i];
    const ly = 32 + 14 * row;
    const color = s.color ?? PALETTE[i % PALETTE.length];
    out += `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${lx + 22}" y="${ly + 4}" class="legend">${esc(s.name)}</text>`;
  });
  return out + '</svg>';
}

export interface Distribution {
  label: string;
  values: number[];
  color?: string;
}

/** Budget labels stacked in rows above the plot, each joined to its line. */
function stackedLabels(budgets: Reference[], x: (v: number) => number, f: Frame, fmt: (v: number) => string): { out: string; rowY: number[] } {
  let out = '';
  const rowY: number[] = [];
  budgets.forEach((b, i) => {
    const px = x(b.value);
    const ly = 40 + i * 14;
    const text = `${b.label} ${fmt(b.value)}`;
    const w = textWidth(text, 'bold');
    const anchor = px + 4 + w > f.width - 2 ? 'end' : 'start';
    out += budgetText(anchor === 'end' ? Math.max(px - 4, f.left + w) : px + 4, ly + 4, anchor, text);
    rowY.push(ly);
  });
  return { out, rowY };
}

/** One row per distribution: every sample as a dot over a box (quartiles) with the p50 marked; log x. */
export function distributionChart(o: { title: string; xLabel: string; rows: Distribution[]; budgets?: Reference[]; format?: (v: number) => string; width?: number }): string {
  const rowH = 30;
  const rows = o.rows.filter((r) => r.values.length);
  const budgets = (o.budgets ?? []).filter((b) => !b.at || rows.some((r) => b.at!.includes(r.label))).sort((a, b) => a.value - b.value);
  const left = Math.min(330, Math.max(130, ...rows.map((r) => textWidth(r.label) + 14)));
  const top = 46 + 14 * budgets.length;
  const f: Frame = { width: o.width ?? 540, height: top + 10 + rows.length * rowH + 42, left, right: 20, top, bottom: 42 };
  const all = [...rows.flatMap((r) => r.values), ...budgets.map((b) => b.value)].filter((v) => v > 0);
  const fmt = o.format ?? String;
  const x = logScale(Math.min(...all), Math.max(...all), f.left, f.width - f.right);
  let out = open(o.title, f) + xAxisBottom(x, f, x.ticks, fmt, o.xLabel);
  for (const t of x.ticks) out += `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${f.top}" y2="${f.height - f.bottom}" class="grid"/>`;
  const rowCy = (i: number) => f.top + 10 + i * rowH + rowH / 2;
  rows.forEach((r, i) => {
    const color = r.color ?? PALETTE[i % PALETTE.length];
    const cy = rowCy(i);
    const s = sortedCopy(r.values);
    const [q1, med, q3] = [percentile(s, 25), percentile(s, 50), percentile(s, 75)];
    out += `<text x="${f.left - 8}" y="${cy + 4}" text-anchor="end" class="tick">${esc(r.label)}</text>`;
    out += `<line x1="${r1(x(s[0]))}" x2="${r1(x(s[s.length - 1]))}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="1"/>`;
    out += `<rect x="${r1(x(q1))}" y="${cy - 9}" width="${Math.max(1, r1(x(q3) - x(q1)))}" height="18" fill="${color}" fill-opacity="0.18" stroke="${color}"><title>${esc(`${r.label}: p25 ${fmt(q1)}, p50 ${fmt(med)}, p75 ${fmt(q3)}, ${s.length} samples`)}</title></rect>`;
    out += `<line x1="${r1(x(med))}" x2="${r1(x(med))}" y1="${cy - 10}" y2="${cy + 10}" stroke="${color}" stroke-width="2.5"/>`;
    s.forEach((v, j) => {
      out += `<circle cx="${r1(x(v))}" cy="${r1(cy + ((j % 5) - 2) * 2.2)}" r="2" fill="${color}" fill-opacity="0.7"/>`;
    });
  });
  const labels = stackedLabels(budgets, x, f, fmt);
  budgets.forEach((b, i) => {
    const px = x(b.value);
    const applies = rows.map((r, k) => (!b.at || b.at.includes(r.label) ? k : -1)).filter((k) => k >= 0);
    // a faint guide from the label down, the budget itself across the rows it applies to
    out += `<line x1="${r1(px)}" x2="${r1(px)}" y1="${labels.rowY[i] + 3}" y2="${r1(rowCy(applies[applies.length - 1]))}" stroke="${BUDGET_COLOR}" stroke-width="1" stroke-opacity="0.3"/>`;
    for (const k of applies) out += dash(px, px, rowCy(k) - 13, rowCy(k) + 13);
  });
  return out + labels.out + '</svg>';
}

/** Horizontal bars, largest first, with optional budget lines (x). */
export function barChart(o: { title: string; xLabel: string; bars: { label: string; value: number; color?: string }[]; budgets?: Reference[]; format?: (v: number) => string; width?: number }): string {
  const barH = 22;
  const budgets = [...(o.budgets ?? [])].sort((a, b) => a.value - b.value);
  const nb = budgets.length;
  const f: Frame = { width: o.width ?? 540, height: 46 + 14 * nb + 42 + o.bars.length * barH + 8, left: 210, right: 70, top: 46 + 14 * nb, bottom: 42 };
  const fmt = o.format ?? String;
  const max = Math.max(...o.bars.map((b) => b.value), ...budgets.map((b) => b.value), 1);
  const x = linearScale(0, max, f.left, f.width - f.right, 4);
  const room = Math.floor((f.left - 12) / textWidth('x'));
  let out = open(o.title, f) + xAxisBottom(x, f, x.ticks, fmt, o.xLabel);
  for (const t of x.ticks) out += `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${f.top}" y2="${f.height - f.bottom}" class="grid"/>`;
  o.bars.forEach((b, i) => {
    const y = f.top + 4 + i * barH;
    const label = b.label.length > room ? '…' + b.label.slice(-(room - 1)) : b.label;
    out += `<text x="${f.left - 8}" y="${y + 15}" text-anchor="end" class="tick">${esc(label)}</text>`;
    out += `<rect x="${f.left}" y="${y + 3}" width="${Math.max(1, r1(x(b.value) - f.left))}" height="${barH - 6}" fill="${b.color ?? PALETTE[0]}"><title>${esc(`${b.label}: ${fmt(b.value)}`)}</title></rect>`;
    out += `<text x="${r1(x(b.value)) + 4}" y="${y + 15}" class="tick">${esc(fmt(b.value))}</text>`;
  });
  // Budget labels stacked above the bars, each joined to its line, so close limits stay readable.
  const labels = stackedLabels(budgets, x, f, fmt);
  budgets.forEach((b, i) => {
    out += dash(x(b.value), x(b.value), labels.rowY[i] + 3, f.height - f.bottom);
  });
  return out + labels.out + '</svg>';
}
