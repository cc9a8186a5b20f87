/**
 * Turns a validated config (human units) into resolved budgets: numbers in each budget's unit,
 * a level, and the text as written. A value that passes the schema but still cannot be read is a
 * DlpackError('CONFIG') naming its key.
 */
import { resolve } from 'node:path';
import { DlpackError, isDlpackError } from '../core/errors/dlpack-error.js';
import { parseBytes, parseDuration, parseMemoryMb, parsePercent, parseUsd } from '../core/units.js';
import type { Arch, PlatformId } from '../core/platform-facts.js';
import { DEFAULT_PLATFORM_ID } from '../platforms/index.js';
import type { BudgetLevel, BudgetValue, DlpackConfig, LoadedConfig } from './config-types.js';
import { buildSpec, type PreprocessSpec } from '../accuracy/samples/preprocess-spec.js';
import { BUDGETS, BUDGET_KEYS, type BudgetKey, type BudgetSpec } from './budget-keys.js';

export interface ResolvedBudget {
  key: BudgetKey;
  spec: BudgetSpec;
  level: BudgetLevel;
  /** The limit as the user wrote it. */
  text: string;
  /** The limit in the spec's unit, or a share (0..1) of the configured memory (peakMemory "80%"). */
  limit: number;
  ofMemory?: boolean;
}

export interface ResolvedModel {
  name: string;
  /** Absolute path of the model file. */
  model: string;
  handler?: string;
  /** The model this one was transformed from (accuracy budgets are measured against it). */
  original?: string;
  /** Real inputs for the accuracy budgets (absolute path or glob) and their preprocessing. */
  samples?: string;
  preprocess?: PreprocessSpec;
  targets: PlatformId[];
  memory?: number[];
  runtime?: string;
  arch: Arch;
  budgets: ResolvedBudget[];
}

export interface ResolvedConfig {
  file?: string;
  models: ResolvedModel[];
  tolerance: number;
  regression: { max: number; level: BudgetLevel };
  bench: {
    cold?: number;
    warm?: number;
    cpu?: 'cgroup' | 'scale' | 'off';
    estimate?: 'stable' | 'wall';
    runs?: number;
    /** ms */
    maxTimeMs?: number;
    /** 0.1 = ±10% */
    precision?: number;
  };
}

function parseLimit(key: BudgetKey, raw: string | number): { limit: number; ofMemory?: boolean } {
  switch (BUDGETS[key].unit) {
    case 'bytes':
      return { limit: parseBytes(raw) };
    case 'ms':
      return { limit: parseDuration(raw) };
    case 'MB':
      return typeof raw === 'string' && raw.trim().endsWith('%') ? { limit: parsePercent(raw), ofMemory: true } : { limit: parseMemoryMb(raw) };
    case 'usd':
      return { limit: parseUsd(raw) };
    case 'number':
      return { limit: Number(raw) };
  }
}

export function resolveBudget(key: BudgetKey, value: BudgetValue, where: string, file?: string): ResolvedBudget {
  const raw = typeof value === 'object' ? value.limit : value;
  const level = (typeof value === 'object' && value.level) || 'error';
  try {
    const { limit, ofMemory } = parseLimit(key, raw);
    if (!Number.isFinite(limit)) throw new DlpackError('CONFIG', 'not a number');
    return { key, spec: BUDGETS[key], level, text: String(raw), limit, ofMemory };
  } catch (err) {
    if (!isDlpackError(err)) throw err;
    throw new DlpackError('CONFIG', `invalid value ${JSON.stringify(raw)} for ${where}.${key}: ${err.message}`, { file, hint: err.hint });
  }
}

function modelName(path: string): string {
  return path.split(/[\\/]/).pop()!.replace(/\.(onnx|json)$/i, '');
}

/** Resolves every model entry; paths relative to the config's folder. */
export function resolveBudgets(config: DlpackConfig, file?: string, dir = '.'): ResolvedConfig {
  const models = config.models.map((m, i): ResolvedModel => {
    const budgets: ResolvedBudget[] = [];
    for (const key of BUDGET_KEYS) {
      const value = m.budgets?.[key];
      if (value !== undefined) budgets.push(resolveBudget(key, value, `models[${i}].budgets`, file));
    }
    return {
      name: m.name ?? modelName(m.model),
      model: resolve(dir, m.model),
      handler: m.handler ? resolve(dir, m.handler) : undefined,
      original: m.original ? resolve(dir, m.original) : undefined,
      samples: m.samples ? resolve(dir, m.samples) : undefined,
      preprocess: m.preprocess ? buildSpec(m.preprocess, { where: `models[${i}].preprocess`, file }) : undefined,
      targets: m.targets ?? [DEFAULT_PLATFORM_ID],
      memory: m.memory,
      runtime: m.runtime,
      arch: m.arch ?? 'x64',
      budgets,
    };
  });
  const wrap = (what: string, f: () => number) => {
    try {
      return f();
    } catch (err) {
      throw isDlpackError(err) ? new DlpackError('CONFIG', `invalid value for ${what}: ${err.message}`, { file }) : err;
    }
  };
  return {
    file,
    models,
    tolerance: config.tolerance ? wrap('tolerance', () => parsePercent(config.tolerance!)) : 0,
    regression: {
      max: config.regression?.max ? wrap('regression.max', () => parsePercent(config.regression!.max!)) : 0.1,
      level: config.regression?.level ?? 'error',
    },
    bench: {
      cold: config.bench?.cold,
      warm: config.bench?.warm,
      cpu: config.bench?.cpu,
      estimate: config.bench?.estimate,
      runs: config.bench?.runs,
      maxTimeMs: config.bench?.maxTime !== undefined ? wrap('bench.maxTime', () => parseDuration(config.bench!.maxTime!)) : undefined,
      precision: config.bench?.precision !== undefined ? wrap('bench.precision', () => parsePercent(config.bench!.precision!)) : undefined,
    },
  };
}

export function resolveLoaded(loaded: LoadedConfig): ResolvedConfig {
  return resolveBudgets(loaded.config, loaded.file, loaded.dir);
}
