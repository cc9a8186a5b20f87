/**
 * Three chart kinds as SVG strings, drawn by hand (no browser, no network): lines (latency or cost
 * against memory size, the Lambda Power Tuning view), box-and-strip distributions (cold vs warm
 * samples) and horizontal bars (artifact size breakdown). Budgets are dashed reference lines.
 * Every chart has a <title> and labelled axes; values appear in <title> tooltips.
 */
import { linearScale, logScale, type Scale } from './svg-scale.js';

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
const BUDGET_COLOR = '#dc2626';

export function esc(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": '#39' }[c]};`);
}

export interface Reference {
  label: string;
  value: number;
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

function open(title: string, f: Frame): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>` +
    `<text x="${f.left}" y="18" class="chart-title">${esc(title)}</text>`;
}

function yAxis(y: Scale, f: Frame, format: (v: number) => string, label: string): string {
  let out = '';
  for (const t of y.ticks) {
    const py = r1(y(t));
    out += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${py}" y2="${py}" class="grid"/><text x="${f.left - 6}" y="${py + 4}" text-anchor="end" class="tick">${esc(format(t))}</text>`;
  }
  const mid = (f.top + f.height - f.bottom) / 2;
  return out + `<text transform="translate(13 ${mid}) rotate(-90)" text-anchor="middle" class="axis-label">${esc(label)}</text>`;
}

function xAxisBottom(x: Scale, f: Frame, ticks: number[], format: (v: number) => string, label: string): string {
  const base = f.height - f.bottom;
  let out = `<line x1="${f.left}" x2="${f.width - f.right}" y1="${base}" y2="${base}" class="axis"/>`;
  for (const t of ticks) {
    const px = r1(x(t));
    out += `<line x1="${px}" x2="${px}" y1="${base}" y2="${base + 4}" class="axis"/><text x="${px}" y="${base + 17}" text-anchor="middle" class="tick">${esc(format(t))}</text>`;
  }
  return out + `<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" text-anchor="middle" class="axis-label">${esc(label)}</text>`;
}

function legend(items: { name: string; color: string; dashed?: boolean }[], f: Frame): string {
  let x = f.left;
  let out = '';
  for (const it of items) {
    out += `<line x1="${x}" x2="${x + 18}" y1="32" y2="32" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${x + 22}" y="36" class="legend">${esc(it.name)}</text>`;
    x += 30 + it.name.length * 6.5;
  }
  return out;
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
  width?: number;
  height?: number;
}

/** Lines over a numeric x (memory size), with a tick at each measured x when there are few. */
export function lineChart(o: LineChartOptions): string {
  const f: Frame = { width: o.width ?? 540, height: o.height ?? 300, left: 76, right: 16, top: 46, bottom: 42 };
  const xs = o.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...o.series.flatMap((s) => s.points.map((p) => p.y)), ...(o.budgets ?? []).map((b) => b.value)];
  const x = linearScale(Math.min(...xs), Math.max(...xs), f.left + 10, f.width - f.right - 10, 6, false);
  const y = linearScale(0, Math.max(...ys) * 1.08, f.height - f.bottom, f.top, 5);
  const fx = o.formatX ?? String;
  const fy = o.formatY ?? String;
  const distinct = [...new Set(xs)].sort((a, b) => a - b);
  const xticks = distinct.length <= 8 ? distinct : linearScale(Math.min(...xs), Math.max(...xs), 0, 1, 6).ticks.filter((t) => t >= Math.min(...xs) && t <= Math.max(...xs));
  let out = open(o.title, f) + yAxis(y, f, fy, o.yLabel) + xAxisBottom(x, f, xticks, fx, o.xLabel);
  const items: { name: string; color: string; dashed?: boolean }[] = [];
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    items.push({ name: s.name, color, dashed: s.dashed });
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${r1(x(p.x))} ${r1(y(p.y))}`).join(' ');
    out += `<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    for (const p of pts) {
      out += `<circle cx="${r1(x(p.x))}" cy="${r1(y(p.y))}" r="3.5" fill="${color}"><title>${esc(`${s.name} at ${fx(p.x)}: ${fy(p.y)}`)}</title></circle>`;
    }
  });
  for (const b of o.budgets ?? []) {
    const py = r1(y(b.value));
    out += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${py}" y2="${py}" stroke="${BUDGET_COLOR}" stroke-width="1.5" stroke-dasharray="4 4" class="budget"/><text x="${f.width - f.right - 4}" y="${py - 5}" text-anchor="end" class="budget-label">${esc(`${b.label} ${fy(b.value)}`)}</text>`;
  }
  return out + legend(items, f) + '</svg>';
}

export interface Distribution {
  label: string;
  values: number[];
  color?: string;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}

/** One row per distribution: every sample as a dot over a box (quartiles) with the median marked; log x. */
export function distributionChart(o: { title: string; xLabel: string; rows: Distribution[]; budgets?: Reference[]; format?: (v: number) => string; width?: number }): string {
  const rowH = 30;
  const rows = o.rows.filter((r) => r.values.length);
  const f: Frame = { width: o.width ?? 540, height: 56 + 42 + rows.length * rowH, left: 130, right: 20, top: 46, bottom: 42 };
  const all = [...rows.flatMap((r) => r.values), ...(o.budgets ?? []).map((b) => b.value)].filter((v) => v > 0);
  const fmt = o.format ?? String;
  const x = logScale(Math.min(...all), Math.max(...all), f.left, f.width - f.right);
  let out = open(o.title, f) + xAxisBottom(x, f, x.ticks, fmt, o.xLabel);
  for (const t of x.ticks) out += `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${f.top}" y2="${f.height - f.bottom}" class="grid"/>`;
  rows.forEach((r, i) => {
    const color = r.color ?? PALETTE[i % PALETTE.length];
    const cy = f.top + 10 + i * rowH + rowH / 2;
    const s = [...r.values].sort((a, b) => a - b);
    const [q1, med, q3] = [quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75)];
    out += `<text x="${f.left - 8}" y="${cy + 4}" text-anchor="end" class="tick">${esc(r.label)}</text>`;
    out += `<line x1="${r1(x(s[0]))}" x2="${r1(x(s[s.length - 1]))}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="1"/>`;
    out += `<rect x="${r1(x(q1))}" y="${cy - 9}" width="${Math.max(1, r1(x(q3) - x(q1)))}" height="18" fill="${color}" fill-opacity="0.18" stroke="${color}"><title>${esc(`${r.label}: p25 ${fmt(q1)}, median ${fmt(med)}, p75 ${fmt(q3)}, ${s.length} samples`)}</title></rect>`;
    out += `<line x1="${r1(x(med))}" x2="${r1(x(med))}" y1="${cy - 10}" y2="${cy + 10}" stroke="${color}" stroke-width="2.5"/>`;
    s.forEach((v, j) => {
      out += `<circle cx="${r1(x(v))}" cy="${r1(cy + ((j % 5) - 2) * 2.2)}" r="2" fill="${color}" fill-opacity="0.7"/>`;
    });
  });
  for (const b of o.budgets ?? []) {
    const px = r1(x(b.value));
    const end = px > (f.left + f.width) / 2;
    out += `<line x1="${px}" x2="${px}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="${BUDGET_COLOR}" stroke-width="1.5" stroke-dasharray="4 4" class="budget"/><text x="${end ? px - 4 : px + 4}" y="${f.top + 6}" text-anchor="${end ? 'end' : 'start'}" class="budget-label">${esc(`${b.label} ${fmt(b.value)}`)}</text>`;
  }
  return out + '</svg>';
}

/** Horizontal bars, largest first, with optional budget lines (x). */
export function barChart(o: { title: string; xLabel: string; bars: { label: string; value: number; color?: string }[]; budgets?: Reference[]; format?: (v: number) => string; width?: number }): string {
  const barH = 22;
  const nb = (o.budgets ?? []).length;
  const f: Frame = { width: o.width ?? 540, height: 46 + 14 * nb + 42 + o.bars.length * barH + 8, left: 210, right: 70, top: 46 + 14 * nb, bottom: 42 };
  const fmt = o.format ?? String;
  const max = Math.max(...o.bars.map((b) => b.value), ...(o.budgets ?? []).map((b) => b.value), 1);
  const x = linearScale(0, max, f.left, f.width - f.right, 4);
  let out = open(o.title, f) + xAxisBottom(x, f, x.ticks, fmt, o.xLabel);
  for (const t of x.ticks) out += `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${f.top}" y2="${f.height - f.bottom}" class="grid"/>`;
  o.bars.forEach((b, i) => {
    const y = f.top + 4 + i * barH;
    const label = b.label.length > 32 ? '…' + b.label.slice(-31) : b.label;
    out += `<text x="${f.left - 8}" y="${y + 15}" text-anchor="end" class="tick">${esc(label)}</text>`;
    out += `<rect x="${f.left}" y="${y + 3}" width="${Math.max(1, r1(x(b.value) - f.left))}" height="${barH - 6}" fill="${b.color ?? PALETTE[0]}"><title>${esc(`${b.label}: ${fmt(b.value)}`)}</title></rect>`;
    out += `<text x="${r1(x(b.value)) + 4}" y="${y + 15}" class="tick">${esc(fmt(b.value))}</text>`;
  });
  // Budget labels stacked above the bars, each joined to its line, so close limits stay readable.
  [...(o.budgets ?? [])].sort((a, b) => a.value - b.value).forEach((b, i) => {
    const px = r1(x(b.value));
    const ly = 40 + i * 14;
    const anchor = px > (f.left + f.width) / 2 ? 'end' : 'start';
    out += `<line x1="${px}" x2="${px}" y1="${ly + 3}" y2="${f.height - f.bottom}" stroke="${BUDGET_COLOR}" stroke-width="1.5" stroke-dasharray="4 4" class="budget"/><text x="${anchor === 'end' ? px - 4 : px + 4}" y="${ly + 4}" text-anchor="${anchor}" class="budget-label">${esc(`${b.label} ${fmt(b.value)}`)}</text>`;
  });
  return out + '</svg>';
}
