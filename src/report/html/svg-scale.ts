/**
 * Scales and tick placement for the inline SVG charts: linear with "nice" ticks (1, 2, 5 × 10^k),
 * and log10 for distributions that span orders of magnitude (cold starts next to warm calls).
 */

export interface Scale {
  (value: number): number;
  ticks: number[];
  domain: [number, number];
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** A linear scale over [min, max] (widened to nice bounds) onto [r0, r1]. */
export function linearScale(min: number, max: number, r0: number, r1: number, count = 5, nice = true): Scale {
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (min === max) [min, max] = min === 0 ? [0, 1] : [Math.min(0, min), Math.max(0, max) * 1.1 || 1];
  let ticks: number[];
  if (nice) {
    const step = niceStep(max - min, count);
    min = Math.floor(min / step) * step;
    max = Math.ceil(max / step) * step;
    ticks = [];
    for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  } else {
    ticks = [min, max];
  }
  const f = ((v: number) => r0 + ((v - min) / (max - min)) * (r1 - r0)) as Scale;
  f.ticks = ticks;
  f.domain = [min, max];
  return f;
}

/** A log10 scale over positive [min, max], ticks at 1, 2, 5 × 10^k inside the range. */
export function logScale(min: number, max: number, r0: number, r1: number): Scale {
  min = Math.max(min, 1e-6);
  max = Math.max(max, min * 1.01);
  const lo = 10 ** Math.floor(Math.log10(min));
  const hi = 10 ** Math.ceil(Math.log10(max));
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, 1e-9)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (r1 - r0)) as Scale;
  const ticks: number[] = [];
  for (let d = lo; d <= hi * 1.0001; d *= 10) for (const m of [1, 2, 5]) if (d * m <= hi * 1.0001) ticks.push(Number((d * m).toPrecision(6)));
  // Keep the tick labels readable: only decades when there are many.
  const isDecade = (t: number) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9;
  f.ticks = ticks.length > 10 ? ticks.filter(isDecade) : ticks;
  f.domain = [lo, hi];
  return f;
}
