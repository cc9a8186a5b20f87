/**
 * `dlpack init` as a library call: settle model, target and memory (flags, else questions on a
 * TTY), refuse to overwrite anything without `force`, measure once (bundle + a short bench), and
 * write a starter dlpack.config.json (budgets = measurement + headroom) and a GitHub Actions
 * workflow that runs `dlpack check`. Both files are written atomically, after every check passed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { writeFileAtomic } from '../core/io/atomic-output.js';
import { checkMemory, DEFAULT_PLATFORM_ID, getPlatform, PLATFORM_IDS } from '../platforms/index.js';
import type { PlatformId } from '../core/platform-facts.js';
import { BUDGETS, type BudgetKey } from '../config/budget-keys.js';
import { parseMemoryList, parseQuantity } from '../core/units.js';
import type { BenchConfigResult, Estimate, InitReport } from '../core/reports/schemas.js';
import { CONFIG_FILE } from '../config/load-config.js';
import { validateConfig } from '../config/validate-config.js';
import type { DlpackConfig } from '../config/config-types.js';
import { starterBudgetsWithBasis, DEFAULT_HEADROOM, type Headroom } from './starter-budgets.js';
import { shardedWorkflowYaml, workflowYaml } from './workflow-template.js';

export const WORKFLOW_FILE = join('.github', 'workflows', 'dlpack.yml');

export interface InitOptions {
  cwd?: string;
  model?: string;
  target?: string;
  /** Memory sizes in MB, or their text ("512,2gb": binary, see core/units). */
  memory?: number[] | string;
  runtime?: string;
  arch?: 'x64' | 'arm64';
  force?: boolean;
  /** Write the GitHub Actions workflow too (default true). */
  workflow?: boolean;
  /** Split the workflow's check over this many runners (a matrix job per shard and a merge job); 1 = one job. */
  shards?: number;
  cold?: number;
  warm?: number;
  headroom?: Headroom;
  /** Figure the timing budgets are set from and judged on (default stable, the load-robust estimate). */
  estimate?: Estimate;
  /** Adaptive sampling time cap per memory size, ms (default 10 s; 0 = exactly cold/warm). */
  maxTimeMs?: number;
  /** Asks a question (TTY only); returns the answer or '' for the default. */
  ask?: (question: string, fallback: string) => Promise<string>;
  progress?: (message: string) => void;
}

export type { InitReport } from '../core/reports/schemas.js';

const PREFERRED_MEMORY_MB = 1024;
/** Minimum cold starts and warm invocations measured (adaptive sampling may take more). */
export const INIT_COLD = 5;
export const INIT_WARM = 20;

function defaultMemory(target: string): number {
  const profile = getPlatform(target);
  try {
    checkMemory(profile, PREFERRED_MEMORY_MB);
    return PREFERRED_MEMORY_MB;
  } catch {
    return profile.memory.defaultMb.value;
  }
}

async function settle(o: InitOptions, cwd: string): Promise<{ model: string; target: string; memory: number[] }> {
  let model = o.model;
  let target = o.target;
  let memory = typeof o.memory === 'string' ? parseMemoryList(o.memory, { hint: 'MB, e.g. --memory 1024 or 512,1024 (2gb = 2048)' }) : o.memory;
  if (!model && o.ask) model = (await o.ask('Model file (.onnx or TF.js model.json)', '')).trim();
  if (!model) throw new DlpackError('USAGE', 'which model? pass --model <file>', { hint: 'dlpack init --model model.onnx --target aws-lambda --memory 1024' });
  if (!existsSync(resolve(cwd, model))) throw new DlpackError('FILE_NOT_FOUND', 'model not found', { file: model });
  if (!target && o.ask) target = (await o.ask(`Target platform (${PLATFORM_IDS.join(', ')})`, DEFAULT_PLATFORM_ID)).trim() || DEFAULT_PLATFORM_ID;
  target ??= DEFAULT_PLATFORM_ID;
  const profile = getPlatform(target); // USAGE error for an unknown target
  if (!memory && o.ask) {
    const answer = (await o.ask('Memory size in MB (comma-separated for several)', String(defaultMemory(target)))).trim();
    memory = answer ? parseMemoryList(answer, { hint: 'MB, e.g. 1024 or 512,1024 (2GB = 2048 MB)' }) : undefined;
  }
  memory ??= [defaultMemory(target)];
  for (const m of memory) checkMemory(profile, m);
  return { model, target, memory };
}

type Starter = ReturnType<typeof starterBudgetsWithBasis> & { memoryMb?: number };

/** The worst (largest) figure of each budget over all memory sizes, with how it was set. */
function worstOf(starters: Starter[]): { budgets: InitReport['budgets']; basis: InitReport['basis'] } {
  const budgets: InitReport['budgets'] = {};
  const basis: InitReport['basis'] = {};
  // compared as parsed quantities in each budget's unit ("900 KB" < "1.2 MB", "9 s" > "900 ms")
  for (const st of starters) {
    for (const [k, v] of Object.entries(st.budgets) as [BudgetKey, string][]) {
      const unit = BUDGETS[k].unit;
      if (budgets[k] === undefined || parseQuantity(unit, v) > parseQuantity(unit, budgets[k]!)) {
        budgets[k] = v;
        if (st.basis[k]) basis[k] = { ...st.basis[k]!, memoryMb: st.basis[k]!.unit === 'bytes' ? undefined : st.memoryMb };
      }
    }
  }
  return { budgets, basis };
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

export async function runInit(o: InitOptions = {}): Promise<InitReport> {
  const cwd = resolve(o.cwd ?? process.cwd());
  const { model, target, memory } = await settle(o, cwd);
  const estimate = o.estimate ?? 'stable';
  const configPath = join(cwd, CONFIG_FILE);
  const workflowPath = join(cwd, WORKFLOW_FILE);
  const writeWorkflow = o.workflow !== false;
  const shards = o.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > 256) throw new DlpackError('USAGE', `the number of shards must be an integer from 1 to 256 (got ${o.shards})`);
  if (shards > 1 && !writeWorkflow) throw new DlpackError('USAGE', 'shards shape the workflow, which is not written here', { hint: 'drop --no-workflow, or --shards' });
  for (const p of [configPath, ...(writeWorkflow ? [workflowPath] : [])]) {
    if (existsSync(p) && !o.force) throw new DlpackError('OUTPUT', 'already exists (use --force to replace it)', { file: relative(cwd, p) });
  }

  const { measureModel } = await import('../budgets/measure-config.js');
  const measured = await measureModel(
    { name: 'init', model: resolve(cwd, model), targets: [target as PlatformId], memory, runtime: o.runtime, arch: o.arch ?? 'x64', budgets: [] },
    { bundle: true, bench: true, accuracy: false },
    {},
    { cold: o.cold ?? INIT_COLD, warm: o.warm ?? INIT_WARM, estimate, maxTimeMs: o.maxTimeMs, progress: o.progress },
  );
  const bundle = measured.bundles[0];
  const configs: BenchConfigResult[] = measured.benches.flatMap((b) => b.configurations);
  for (const c of configs) {
    const failed = c.errors.oom + c.errors.timeout + c.errors.error;
    if (failed || c.coldStarts === 0) {
      const what = c.errors.oom ? 'ran out of memory' : c.errors.timeout ? 'timed out' : 'failed';
      throw new DlpackError('CHECK_FAILED', `the function ${what} at ${c.memoryMb} MB on ${target}${c.errors.messages[0] ? `: ${c.errors.messages[0]}` : ''}`, {
        file: model,
        hint: 'choose more memory with --memory',
      });
    }
  }
  const { budgets, basis } = worstOf(configs.map((c) => ({ ...starterBudgetsWithBasis(bundle, c, o.headroom ?? DEFAULT_HEADROOM), memoryMb: c.memoryMb })));

  const config: DlpackConfig = {
    $schema: './node_modules/dlpack/schema/dlpack.config.schema.json',
    tolerance: '5%',
    regression: { max: '10%', level: 'error' },
    bench: { cold: o.cold ?? INIT_COLD, warm: o.warm ?? INIT_WARM, estimate },
    models: [
      {
        model: posix(relative(cwd, resolve(cwd, model))),
        targets: [target as PlatformId],
        memory,
        ...(o.runtime ? { runtime: o.runtime } : {}),
        ...(o.arch ? { arch: o.arch } : {}),
        budgets,
      },
    ],
  };
  await validateConfig(config, CONFIG_FILE); // what we write must be what check accepts
  if (writeWorkflow) {
    mkdirSync(join(cwd, '.github', 'workflows'), { recursive: true });
    await writeFileAtomic(workflowPath, shards > 1 ? shardedWorkflowYaml({ shards }) : workflowYaml());
  }
  await writeFileAtomic(configPath, JSON.stringify(config, null, 2) + '\n');
  return {
    schema: 'dlpack.init/1',
    config: configPath,
    workflow: writeWorkflow ? workflowPath : undefined,
    shards: writeWorkflow && shards > 1 ? shards : undefined,
    model,
    target: target as PlatformId,
    memoryMb: memory,
    budgets,
    basis,
    estimate,
    measured: {
      zipBytes: bundle.zipBytes,
      unzippedBytes: bundle.unzippedBytes,
      configurations: configs.map((c) => ({
        memoryMb: c.memoryMb,
        initP50Ms: c.initMs.p50,
        coldP50Ms: c.coldTotalMs.p50,
        warmP50Ms: c.warmMs.p50,
        peakMemoryMb: c.peakMemoryMb,
        costPerMillion: c.costPerMillion,
      })),
    },
  };
}
