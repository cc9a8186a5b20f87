/**
 * Finds, for each budget of a model, the measured value(s) in a set of reports: one row per
 * target for size budgets, one per target × memory size for bench budgets, one per model for
 * accuracy budgets. Several bench reports of the same configuration (repeated runs) are combined
 * by their p50. A row with no measurement carries the reason it is missing.
 */
import { basename, resolve } from 'node:path';
import type { PlatformId } from '../core/platform-facts.js';
import type { BenchConfigResult, Estimate, FigureSet, Percentiles } from '../core/reports/schemas.js';
import type { LoadedReport } from '../core/reports/read-report.js';
import { percentile, sortedCopy } from '../core/stats/percentiles.js';
import type { BudgetKey } from '../config/budget-keys.js';
import type { ResolvedBudget, ResolvedModel } from '../config/resolve-budgets.js';

export interface Measurement {
  id: string;
  target?: PlatformId;
  memoryMb?: number;
  actual?: number;
  /** Why there is no actual value. */
  missing?: string;
  source?: string;
  /** Timing budgets: the samples (pooled over runs) the actual is the `percentile` of. */
  samples?: number[];
  percentile?: number;
  /** Which estimate the actual is (bench budgets). */
  estimate?: Estimate;
  /** Something the reader should know about how the actual was found. */
  note?: string;
}

/** Nearest-rank percentile of unsorted samples (dlpack's one definition, src/core/stats). */
const percentileOf = (values: readonly number[], p: number): number => percentile(sortedCopy(values), p);

function stem(p: string): string {
  return basename(p).replace(/\.(onnx|json|zip)$/i, '').toLowerCase();
}

/** Paths a report names for the model it is about. */
function reportPaths(r: LoadedReport): string[] {
  switch (r.kind) {
    case 'bundle':
      return [r.report.model, r.report.outDir, r.report.zipPath ?? ''];
    case 'bench':
      return [r.report.input];
    case 'transform':
      return [r.report.output, r.report.input];
    case 'inspect':
      return [r.report.model.path];
    case 'init':
      return [r.report.model];
    case 'check':
    case 'platforms':
      return [];
  }
}

/** Whether a report is about this model: always when the config has one model, else by path or name. */
export function belongsTo(model: ResolvedModel, r: LoadedReport, onlyModel: boolean): boolean {
  if (onlyModel) return true;
  const paths = reportPaths(r).filter(Boolean);
  return paths.some((p) => resolve(p) === model.model || stem(p) === stem(model.model) || stem(p) === model.name.toLowerCase());
}

const BENCH_METRIC: Partial<Record<BudgetKey, [keyof BenchConfigResult['samples'], keyof Percentiles, number]>> = {
  initP50: ['initMs', 'p50', 50],
  initP90: ['initMs', 'p90', 90],
  coldP50: ['coldTotalMs', 'p50', 50],
  coldP90: ['coldTotalMs', 'p90', 90],
  warmP50: ['warmMs', 'p50', 50],
  warmP90: ['warmMs', 'p90', 90],
  warmP95: ['warmMs', 'p95', 95],
  warmP99: ['warmMs', 'p99', 99],
};

type Figures = Pick<FigureSet, 'initMs' | 'coldTotalMs' | 'warmMs' | 'samples' | 'costPerMillion'>;

/**
 * A configuration's figures under an estimate: its `stable`/`wall` block, else the headline fields
 * when they are that estimate (reports from before the blocks existed hold wall figures), else
 * the headline fields with a note saying which estimate they are.
 */
export function figuresOf(c: BenchConfigResult, estimate: Estimate): { figures: Figures; used: Estimate; note?: string } {
  const block = c[estimate];
  if (block) return { figures: block, used: estimate };
  const headline = c.estimate ?? 'wall';
  if (headline === estimate) return { figures: c, used: estimate };
  return { figures: c, used: headline, note: `the bench report has no ${estimate} figures (written by an older dlpack): ${headline} figures used` };
}

function benchValue(key: BudgetKey, c: BenchConfigResult, estimate: Estimate): { value?: number; samples?: number[]; percentile?: number; used?: Estimate; note?: string } {
  if (key === 'peakMemory') return { value: c.peakMemoryMb };
  const { figures, used, note } = figuresOf(c, estimate);
  if (key === 'costPer1M') return { value: figures.costPerMillion, used, note };
  const m = BENCH_METRIC[key];
  if (!m) return {};
  const [series, field, p] = m;
  const samples = figures.samples?.[series];
  const v = figures[series]?.[field];
  if (typeof v === 'number' && Number.isFinite(v)) return { value: v, samples: samples?.length ? samples : undefined, percentile: p, used, note };
  return samples?.length ? { value: percentileOf(samples, p), samples, percentile: p, used, note } : { used, note };
}

function errorText(c: BenchConfigResult): string | undefined {
  const e = c.errors;
  if (!e) return undefined;
  const parts: string[] = [];
  if (e.oom) parts.push(`${e.oom} out-of-memory`);
  if (e.timeout) parts.push(`${e.timeout} timed out`);
  if (e.error) parts.push(`${e.error} failed${e.messages?.[0] ? ` (${e.messages[0]})` : ''}`);
  return parts.length ? parts.join(', ') : undefined;
}

function rowId(model: ResolvedModel, key: BudgetKey, target?: string, memoryMb?: number): string {
  return [model.name, target, memoryMb !== undefined ? `${memoryMb} MB` : undefined, key].filter(Boolean).join(' ');
}

function last<T>(xs: T[]): T | undefined {
  return xs[xs.length - 1];
}

/**
 * Timing budgets pool the samples of every run and take the percentile of the pool (one slow run
 * weighs as much as its share of samples); without samples, the p50 of the runs' figures.
 */
export function collectMeasurements(model: ResolvedModel, budget: ResolvedBudget, reports: LoadedReport[], estimate: Estimate = 'stable'): Measurement[] {
  const { key } = budget;
  const source = budget.spec.source;
  if (source === 'transform') {
    const r = last(reports.filter((x) => x.kind === 'transform'));
    const id = rowId(model, key);
    if (!r || r.kind !== 'transform') return [{ id, missing: 'no transform report (quantize/convert) with accuracy' }];
    const outs = r.report.accuracy?.outputs ?? [];
    if (!outs.length) return [{ id, missing: 'the transform report has no accuracy figures', source: r.file }];
    const degenerate = outs.find((o) => o.degenerate);
    if (degenerate) {
      return [{ id, missing: `not meaningful on these inputs: output "${degenerate.name}" — ${degenerate.degenerate}; give the model real "samples" in the config`, source: r.file }];
    }
    const actual = key === 'minCosine' ? Math.min(...outs.map((o) => o.cosine)) : Math.max(...outs.map((o) => o.maxAbsError));
    return [{ id, actual, source: r.file }];
  }
  const rows: Measurement[] = [];
  for (const target of model.targets) {
    if (source === 'bundle') {
      const id = rowId(model, key, target);
      const r = last(reports.filter((x) => x.kind === 'bundle' && x.report.target === target));
      if (!r || r.kind !== 'bundle') {
        rows.push({ id, target, missing: `no bundle report for ${target}` });
        continue;
      }
      // a bundle over one of the platform's limits (a response the platform would refuse) fails every size budget of it
      const over = r.report.limits.find((l) => !l.pass);
      if (over) {
        rows.push({ id, target, missing: `the ${target} bundle fails the platform's ${over.limit} limit (${over.actualBytes} > ${over.limitBytes} bytes)`, source: r.file });
        continue;
      }
      const actual = key === 'zipped' ? r.report.zipBytes : r.report.unzippedBytes;
      rows.push(
        actual === undefined
          ? { id, target, missing: `the ${target} bundle has no zip (format ${r.report.format})`, source: r.file }
          : { id, target, actual, source: r.file },
      );
      continue;
    }
    const configs = reports.flatMap((r) =>
      r.kind === 'bench' ? r.report.configurations.filter((c) => c.target === target).map((c) => ({ c, file: r.file })) : [],
    );
    const sizes = model.memory ?? [...new Set(configs.map((x) => x.c.memoryMb))].sort((a, b) => a - b);
    if (!sizes.length) rows.push({ id: rowId(model, key, target), target, missing: `no bench results for ${target}` });
    for (const memoryMb of sizes) {
      const id = rowId(model, key, target, memoryMb);
      const here = configs.filter((x) => x.c.memoryMb === memoryMb);
      const sourceFiles = [...new Set(here.map((x) => x.file))].join(', ') || undefined;
      if (!here.length) {
        rows.push({ id, target, memoryMb, missing: `no bench results for ${target} at ${memoryMb} MB` });
        continue;
      }
      const broken = here.map((x) => errorText(x.c)).find(Boolean);
      if (broken) {
        rows.push({ id, target, memoryMb, missing: `no valid measurement: ${broken}`, source: sourceFiles });
        continue;
      }
      const found = here.map((x) => benchValue(key, x.c, estimate)).filter((v) => v.value !== undefined);
      if (!found.length) {
        rows.push({ id, target, memoryMb, missing: `the bench report has no ${budget.spec.label}`, source: sourceFiles });
        continue;
      }
      const used = found[0].used;
      const note = found.find((f) => f.note)?.note;
      const p = found[0].percentile;
      const pooled = p !== undefined && found.every((f) => f.samples?.length) ? found.flatMap((f) => f.samples!) : undefined;
      const values = found.map((f) => f.value!);
      rows.push({
        id,
        target,
        memoryMb,
        actual: pooled ? percentileOf(pooled, p!) : percentileOf(values, 50),
        source: sourceFiles,
        samples: pooled ?? (budget.spec.noisy && values.length > 1 ? values : undefined),
        percentile: pooled ? p : undefined,
        estimate: used,
        note,
      });
    }
  }
  return rows;
}
