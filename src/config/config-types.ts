/**
 * The typed shape of a dlpack configuration, as written by users (human units, unparsed).
 * src/config/config-schema.ts is the JSON Schema for the same shape.
 */
import type { Arch, PlatformId } from '../core/platform-facts.js';
import type { BudgetKey } from './budget-keys.js';

export type BudgetLevel = 'error' | 'warn';
export type BudgetLimit = string | number;
export type BudgetValue = BudgetLimit | { limit: BudgetLimit; level?: BudgetLevel };

export interface ModelEntry {
  name?: string;
  model: string;
  handler?: string;
  original?: string;
  /** Real inputs for the accuracy budgets: a file, folder or glob (relative to the config). */
  samples?: string;
  /** How `samples` become inputs (the keys of `--preprocess`). */
  preprocess?: Record<string, unknown>;
  targets?: PlatformId[];
  memory?: number[];
  runtime?: string;
  arch?: Arch;
  budgets?: Partial<Record<BudgetKey, BudgetValue>>;
}

export interface DlpackConfig {
  $schema?: string;
  models: ModelEntry[];
  tolerance?: string;
  regression?: { max?: string; level?: BudgetLevel };
  bench?: {
    cold?: number;
    warm?: number;
    cpu?: 'cgroup' | 'scale' | 'off';
    /** Figure timing and cost budgets are judged on: the load-robust `stable` (default) or `wall`. */
    estimate?: 'stable' | 'wall';
    /** Bench runs per target when `dlpack check` measures (default 3 with timing budgets, else 1). */
    runs?: number;
    /** Adaptive sampling: time cap per configuration ("10 s"; "0 s" = exactly cold/warm) and the medians' CI to reach ("10%"). */
    maxTime?: string;
    precision?: string;
  };
}

export interface LoadedConfig {
  /** The file the config came from (dlpack.config.json or package.json). */
  file: string;
  /** Folder that relative paths in the config are resolved against. */
  dir: string;
  config: DlpackConfig;
}
