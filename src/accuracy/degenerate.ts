/**
 * Is a comparison meaningful? A cosine or max error computed on reference outputs that carry no
 * signal says nothing about the transform: a text detector fed noise answers ≈ 0 everywhere, a
 * classifier answers the same class at p ≈ 1 for every input, and any damage short of a total
 * loss keeps those figures near perfect (or, on rounding noise, near zero). These rules look at the
 * reference outputs on the inputs actually used:
 *  - constant: every value the same;
 *  - saturated softmax: rows are probability distributions, each with p ≥ 0.999 on one class, and
 *    every row picks the same class;
 *  - saturated [0, 1] map: values bounded like a sigmoid output, std < 0.01 (all at one end);
 *  - near-constant: std ≤ 1e-4 × |mean|.
 * Such a run never passes an accuracy gate or budget; the report says why and suggests --samples.
 */
import type { OutputAccuracy } from '../core/reports/schemas.js';

const MAX_CLASSES_TRACKED = 64;

/** Running statistics of one output's reference values (all samples). */
export class ReferenceStats {
  count = 0;
  private mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;
  finite = true;
  /** Rows seen when the output looks like class scores. */
  rows = 0;
  private probRows = 0;
  saturatedRows = 0;
  readonly classes = new Set<number>();

  add(values: Float64Array, rowLength: number): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        this.finite = false;
        continue;
      }
      this.count++;
      const d = v - this.mean;
      this.mean += d / this.count;
      this.m2 += d * (v - this.mean);
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    if (rowLength > 1) {
      for (let r = 0; r + rowLength <= values.length; r += rowLength) {
        this.rows++;
        let sum = 0;
        let best = r;
        let inRange = true;
        for (let i = r; i < r + rowLength; i++) {
          const v = values[i];
          sum += v;
          if (!(v >= -1e-6 && v <= 1 + 1e-6)) inRange = false;
          if (v > values[best]) best = i;
        }
        if (inRange && Math.abs(sum - 1) <= 1e-3) this.probRows++;
        if (values[best] >= 0.999) this.saturatedRows++;
        if (this.classes.size < MAX_CLASSES_TRACKED) this.classes.add(best - r);
      }
    }
  }

  get std(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / this.count) : 0;
  }

  get average(): number {
    return this.mean;
  }

  /** Every row is a probability distribution (softmax output). */
  get probabilities(): boolean {
    return this.rows > 0 && this.probRows === this.rows;
  }

  summary(): NonNullable<OutputAccuracy['reference']> {
    const r = (x: number) => Number(x.toPrecision(6));
    return { min: r(this.min), max: r(this.max), mean: r(this.mean), std: r(this.std) };
  }
}

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(4))) : x.toExponential(2));

/** Why the reference outputs carry no signal on these inputs, or undefined when they do. */
export function degenerateReason(s: ReferenceStats): string | undefined {
  if (s.count === 0 || !s.finite) return undefined;
  const std = s.std;
  if (s.max === s.min) return `constant: every reference value is ${fmt(s.max)} on these inputs`;
  if (s.probabilities) {
    if (s.saturatedRows === s.rows && s.classes.size === 1) {
      return `saturated softmax: all ${s.rows} reference row(s) pick class ${[...s.classes][0]} with p ≥ 0.999 on these inputs`;
    }
    return undefined;
  }
  if (s.min >= 0 && s.max <= 1 && std < 0.01) {
    return `saturated [0, 1] output: reference values ${fmt(s.min)}…${fmt(s.max)}, std ${fmt(std)} on these inputs`;
  }
  if (std <= 1e-4 * Math.abs(s.average)) return `near-constant: reference std ${fmt(std)} around ${fmt(s.average)} on these inputs`;
  return undefined;
}
