/**
 * `dlpack check --shard i/n`: the configuration list of a config (model × target × memory size
 * for bench budgets, model × target for size-only models, one accuracy comparison per model), its
 * costs (measured in a baseline that carries measurements, else estimated), the split
 * (src/core/shard-plan.ts) and what this shard measures and judges. Every budget row has exactly
 * one owner: bench rows the shard of their configuration, size rows (and "no bench results" rows)
 * the shard of the target's smallest memory size, accuracy rows the shard of the comparison.
 */
import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { planShards, fingerprint, type ShardItem, type ShardPlan, type ShardSpec } from '../core/shard-plan.js';
import { dlpackVersion } from '../core/dlpack-version.js';
import type { PlatformId } from '../core/platform-facts.js';
import type { BudgetResult, CarriedReport, ShardInfo } from '../core/reports/schemas.js';
import type { LoadedReport } from '../core/reports/read-report.js';
import { getPlatform, memorySizes } from '../platforms/index.js';
import { estimateConfigCost, measuredConfigCost } from '../sim/shard-cost.js';
import type { ResolvedConfig, ResolvedModel } from '../config/resolve-budgets.js';
import type { DlpackConfig } from '../config/config-types.js';
import { belongsTo } from './collect-actuals.js';

/** What one shard measures (measure-config.ts asks it per model and target). */
export interface ShardSelection {
  /** Memory sizes of this model and target benched here (empty: none). */
  benchSizes(model: ResolvedModel, target: PlatformId): number[];
  /** This shard reports the model's bundle for the target (its size budgets). */
  ownsBundle(model: ResolvedModel, target: PlatformId): boolean;
  ownsAccuracy(model: ResolvedModel): boolean;
}

export interface CheckShard {
  spec: ShardSpec;
  plan: ShardPlan;
  selection: ShardSelection;
  /** Whether a budget row of the whole run is judged by this shard. */
  owns(row: Pick<BudgetResult, 'model' | 'target' | 'memoryMb'>): boolean;
  info: ShardInfo;
}

export interface ShardRunOptions {
  cold?: number;
  warm?: number;
  runs: number;
  estimate?: string;
  maxTimeMs?: number;
  precision?: number;
  tolerance?: number;
  maxRegression?: number;
}

export const benchKey = (model: string, target: string, memoryMb: number): string => `${model} ${target} ${memoryMb} MB`;
export const sizeKey = (model: string, target: string): string => `${model} ${target}`;
export const accuracyKey = (model: string): string => `${model} accuracy`;

function needs(model: ResolvedModel) {
  const sources = new Set(model.budgets.map((b) => b.spec.source));
  return { bench: sources.has('bench'), bundle: sources.has('bundle'), accuracy: sources.has('transform') };
}

/** The memory sizes a model is benched at on a target (as measure-config.ts asks for them). */
export function sizesOf(model: ResolvedModel, target: PlatformId): number[] {
  return model.memory?.length ? [...new Set(model.memory)].sort((a, b) => a - b) : memorySizes(getPlatform(target), 'default');
}

function fileBytes(path: string | undefined): number {
  try {
    return path ? statSync(path).size : 0;
  } catch {
    return 0;
  }
}

function fileDigest(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Bundle, bench and transform reports in the baselines, including those a sharded check report carries. */
export function measurementsIn(reports: LoadedReport[]): LoadedReport[] {
  return reports.flatMap((r) => (r.kind === 'check' ? ((r.report.measurements ?? []) as LoadedReport[]) : [r]));
}

/** Cost per configuration key measured in earlier reports (several runs add up). */
function measuredCosts(config: ResolvedConfig, reports: LoadedReport[]): Map<string, number> {
  const costs = new Map<string, number>();
  const only = config.models.length === 1;
  const benches = measurementsIn(reports).filter((r) => r.kind === 'bench');
  for (const model of config.models) {
    for (const r of benches) {
      if (r.kind !== 'bench' || !belongsTo(model, r, only)) continue;
      for (const c of r.report.configurations ?? []) {
        const key = benchKey(model.name, c.target, c.memoryMb);
        costs.set(key, (costs.get(key) ?? 0) + measuredConfigCost(c));
      }
    }
  }
  return costs;
}

/** Every configuration of the run with its cost. */
export function checkItems(config: ResolvedConfig, options: ShardRunOptions, costSources: LoadedReport[] = []): ShardItem[] {
  const measured = measuredCosts(config, costSources);
  const items: ShardItem[] = [];
  for (const model of config.models) {
    const need = needs(model);
    const bytes = fileBytes(model.model);
    for (const target of model.targets) {
      if (need.bench) {
        for (const memoryMb of sizesOf(model, target)) {
          const key = benchKey(model.name, target, memoryMb);
          const m = measured.get(key);
          const cost =
            m ??
            estimateConfigCost({
              target,
              memoryMb,
              modelBytes: bytes,
              cold: options.cold ?? config.bench.cold ?? 5,
              warm: options.warm ?? config.bench.warm ?? 20,
              runs: options.runs,
              maxTimeMs: options.maxTimeMs ?? config.bench.maxTimeMs,
            });
          items.push({ key, cost, measured: m !== undefined });
        }
      } else if (need.bundle) {
        // a bundle alone: esbuild plus zipping, roughly a second and a half plus the model's bytes
        items.push({ key: sizeKey(model.name, target), cost: Math.round(1500 + bytes / 50e3), measured: false });
      }
    }
    if (need.accuracy && model.original) {
      items.push({ key: accuracyKey(model.name), cost: Math.round(2000 + (bytes + fileBytes(model.original)) / 25e3), measured: false });
    }
  }
  return items;
}

/** What every shard of one run shares: dlpack's version, the config, the models' bytes and the run options. */
export function checkFingerprint(raw: DlpackConfig, config: ResolvedConfig, options: ShardRunOptions, total: number): string {
  return fingerprint({
    dlpack: dlpackVersion(),
    total,
    config: raw,
    models: config.models.map((m) => ({ name: m.name, model: fileDigest(m.model), original: fileDigest(m.original) })),
    options: {
      cold: options.cold ?? null,
      warm: options.warm ?? null,
      runs: options.runs,
      estimate: options.estimate ?? null,
      maxTimeMs: options.maxTimeMs ?? null,
      precision: options.precision ?? null,
      tolerance: options.tolerance ?? null,
      maxRegression: options.maxRegression ?? null,
    },
  });
}

export function planCheckShard(
  raw: DlpackConfig,
  config: ResolvedConfig,
  spec: ShardSpec,
  options: ShardRunOptions,
  costSources: LoadedReport[] = [],
): CheckShard {
  const items = checkItems(config, options, costSources);
  const plan = planShards(items, spec.total);
  const shardOf = new Map(plan.assignments.map((a) => [a.key, a.shard]));
  const byName = new Map(config.models.map((m) => [m.name, m]));
  const bundleOwner = (model: ResolvedModel, target: PlatformId): number | undefined =>
    needs(model).bench ? shardOf.get(benchKey(model.name, target, sizesOf(model, target)[0])) : shardOf.get(sizeKey(model.name, target));
  const selection: ShardSelection = {
    benchSizes: (model, target) => (needs(model).bench ? sizesOf(model, target).filter((mb) => shardOf.get(benchKey(model.name, target, mb)) === spec.index) : []),
    ownsBundle: (model, target) => bundleOwner(model, target) === spec.index,
    ownsAccuracy: (model) => shardOf.get(accuracyKey(model.name)) === spec.index,
  };
  const owns = (row: Pick<BudgetResult, 'model' | 'target' | 'memoryMb'>): boolean => {
    const model = byName.get(row.model);
    if (!model) return spec.index === 1;
    if (row.target && row.memoryMb !== undefined) return shardOf.get(benchKey(model.name, row.target, row.memoryMb)) === spec.index;
    if (row.target) return bundleOwner(model, row.target) === spec.index;
    return shardOf.get(accuracyKey(model.name)) === spec.index;
  };
  const measured = items.filter((i) => i.measured).length;
  const info: ShardInfo = {
    index: spec.index,
    total: spec.total,
    fingerprint: checkFingerprint(raw, config, options, spec.total),
    plan: plan.digest,
    dlpackVersion: dlpackVersion(),
    configurations: plan.assignments.map((a) => ({ key: a.key, cost: a.cost, measured: Boolean(a.measured), shard: a.shard })),
    costs: measured === 0 ? 'estimated' : measured === items.length ? 'measured' : 'mixed',
  };
  return { spec, plan, selection, owns, info };
}

/** The measurement reports a shard hands on (check reports are never carried). */
export function carried(reports: LoadedReport[]): CarriedReport[] {
  return reports.filter((r): r is CarriedReport => r.kind !== 'check');
}
