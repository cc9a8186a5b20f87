/**
 * The versioned JSON reports dlpack writes (`--json`) and reads back (`dlpack check --from`,
 * `dlpack report`). One interface per report; bump the schema string on a breaking change.
 * Producers: transform (quantize/convert) → src/transforms, bundle → src/bundle, bench → src/sim,
 * check → src/budgets, inspect → src/formats (describeModel), platforms → src/platforms, init →
 * src/init. Every kind is rendered by src/report/kinds/<kind>.ts, for its command and `dlpack report`.
 */
import type { Arch, PlatformId, PlatformProfile } from '../platform-facts.js';
import { summarize, type ModelDescription, type ModelSummary } from '../model-description.js';

export interface Percentiles {
  p50: number;
  p90: number;
  p95?: number;
  p99?: number;
  min?: number;
  max?: number;
  mean?: number;
}

// ---------------------------------------------------------------- transform (quantize / convert)

export interface OutputAccuracy {
  name: string;
  maxAbsError: number;
  meanAbsError: number;
  cosine: number;
  /** Share of rows whose arg-max agrees, when the output looks like class scores. */
  top1Agreement?: number;
  /** Signal-to-quantization-noise ratio, 10·log10(Σref² / Σ(ref − new)²); absent when the outputs are identical. */
  sqnrDb?: number;
  /** Max abs error divided by the reference's range (max − min): meaningful for small outputs too. */
  maxErrorOfRange?: number;
  /** Rows are probability distributions (softmax): the default top-1 floor applies. */
  probabilities?: boolean;
  /** The original model's outputs on these inputs. */
  reference?: { min: number; max: number; mean: number; std: number };
  /** Set when the reference outputs carry no signal on these inputs (near-constant, saturated): the figures mean nothing and no gate passes. */
  degenerate?: string;
}

export interface AccuracyReport {
  /** Which runtime/backend ran both models, e.g. "onnxruntime-node (cpu)", "tfjs (wasm)". */
  backend: string;
  samples: number;
  outputs: OutputAccuracy[];
  /** Where the inputs came from: sample files (and how they were preprocessed), an inputs file, or generated. */
  inputs?: { source: 'samples' | 'file' | 'generated'; summary: string };
  /** Gates from --max-error / --min-cosine / --min-top1 (or the default floor) and whether they held. */
  gates?: {
    maxError?: number;
    minCosine?: number;
    minTop1?: number;
    pass: boolean;
    /** Gates that are the default accuracy floor, not flags the user gave. */
    defaults?: ('minCosine' | 'minTop1')[];
    /** Outputs whose figures are not meaningful on these inputs (degenerate): they never pass. */
    inconclusive?: string[];
  };
}

export interface TransformReport {
  schema: 'dlpack.transform/1';
  kind: 'quantize' | 'convert';
  input: string;
  output: string;
  /** int8-weights | int8-dynamic | int8-static | fp16 | uint8 | uint16 | float16 | optimize-basic | keras-to-tfjs ... */
  mode: string;
  bytesBefore: number;
  bytesAfter: number;
  ratio: number;
  weightBytesByDtype: { before: Record<string, number>; after: Record<string, number> };
  latency?: { runs: number; before: Percentiles; after: Percentiles; ratio: number };
  accuracy?: AccuracyReport;
  changed: { name: string; what: string }[];
  skipped: { name: string; reason: string }[];
  notes?: string[];
  /** Node counts (subgraphs included) before and after, for graph rewrites and optimization. */
  nodes?: { before: number; after: number };
  /** Kernels the runtime ran for the new model in one profiled inference: op type → node runs. */
  kernels?: Record<string, number>;
  /** false when a gate failed or the transform broke: nothing was written to `output`. */
  written?: boolean;
  /** Accuracy-driven mixed precision (--fallback, or the default floor's fallback): each unit kept at a higher precision and why. */
  mixedPrecision?: {
    fallback: string;
    goal: { minCosine?: number; minTop1?: number };
    maxRatio: number;
    met: boolean;
    /** Candidate models built and measured by the search. */
    measured: number;
    kept: { name: string; precision: string; reason: string }[];
  };
}

// ---------------------------------------------------------------- bundle

export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface LimitCheck {
  /** e.g. "zipped", "unzipped", "gzip script" */
  limit: string;
  limitBytes: number;
  actualBytes: number;
  pass: boolean;
  source: string;
}

export interface BundleReport {
  schema: 'dlpack.bundle/1';
  target: PlatformId;
  runtime: string;
  arch: Arch;
  format: 'zip' | 'image';
  outDir: string;
  zipPath?: string;
  zipBytes?: number;
  unzippedBytes: number;
  sha256?: string;
  entry: string;
  model: string;
  files: BundleFile[];
  /** Bytes per input module in the JS bundle (esbuild metafile). */
  bundleInputs: { path: string; bytes: number }[];
  limits: LimitCheck[];
  pass: boolean;
  /** Memory size the handler was configured for, the vCPU it gets there and the runtime threads used. */
  memoryMb?: number;
  vcpu?: number;
  threads?: number;
  /** Node.js major version targeted (esbuild target). */
  node?: string;
  /** Sum of the gzip sizes of the uploaded modules (Workers' script-size measure). */
  gzipBytes?: number;
  /** `--format image`: the Dockerfile and the OCI image layout written (app layer only). */
  image?: { dockerfile: string; baseImage: string; ociLayout?: string; ociDigest?: string; layerBytes?: number };
  notes?: string[];
}

// ---------------------------------------------------------------- bench

/**
 * Which figure a report's timings (and so budgets, recommendations and comparisons) use:
 * `stable` — the load-robust estimate (CPU time replayed through the platform's vCPU share plus
 * the non-CPU waits, without run-queue delay: see src/sim/load-model.ts); `wall` — wall time as
 * the emulator measured it (under the CFS quota with `--cpu cgroup`, projected with `--cpu scale`).
 * Reports written before this field existed hold wall figures.
 */
export type Estimate = 'stable' | 'wall';

/** One estimate's figures for a configuration (both are always written; the chosen one is also at the top level). */
export interface FigureSet {
  initMs: Percentiles;
  coldTotalMs: Percentiles;
  warmMs: Percentiles;
  samples: { initMs: number[]; coldTotalMs: number[]; warmMs: number[] };
  billedMs: number;
  /** Trimmed mean (see BenchReport.costTrim) of the per-request cost, × 1e6. */
  costPerMillion: number;
  costPerColdStart?: number;
  /** 95% confidence intervals of the medians (order statistics). */
  ci?: { initP50?: CiRange; coldP50?: CiRange; warmP50?: CiRange };
}

export type SamplingStop = 'precision' | 'time-cap' | 'max-samples' | 'fixed';

export interface CiRange {
  low: number;
  high: number;
  /** Half the width relative to the median (0.05 = ±5%). */
  rel: number;
  /** Confidence the order statistics reach with these samples. */
  confidence: number;
}

/** Raw per-sample measurements of one phase, in the order taken (ms). */
export interface PhaseLoad {
  wallMs: number[];
  cpuMs: number[];
  /** Run-queue delay (all threads), including waits the CFS quota caused. */
  runQueueMs: number[];
  /** Waits the instance's own CFS quota caused (0 without one). */
  throttledMs: number[];
  /** Wall time spent waiting for a CPU held by other work on this machine. */
  contentionMs: number[];
}

export interface BenchConfigResult {
  target: PlatformId;
  memoryMb: number;
  vcpu: number;
  arch: Arch;
  /** How CPU share and memory limits were applied for this configuration. */
  cpuMode: 'cgroup' | 'scale' | 'off';
  memoryLimitMode: 'cgroup' | 'watchdog';
  coldStarts: number;
  warmInvocations: number;
  concurrency: number;
  initMs: Percentiles;
  coldTotalMs: Percentiles;
  warmMs: Percentiles;
  peakMemoryMb: number;
  billedMs: number;
  costPerMillion: number;
  errors: { oom: number; timeout: number; error: number; messages: string[] };
  memoryGrowthKbPerInvoke: number;
  leakWarning: boolean;
  /** Raw samples, for charts. */
  samples: { initMs: number[]; coldTotalMs: number[]; warmMs: number[] };
  // Optional details written by dlpack bench (src/sim).
  /** Node start-up of each instance (spawn → host ready), before INIT. */
  runtimeStartMs?: Percentiles;
  /** CPU time (user + system, all threads) of that start-up: the harness's own cost before INIT. */
  runtimeStartCpuMs?: Percentiles;
  /** CPU time (user + system, all threads) of INIT and of each warm invocation. */
  cpuMs?: { init: Percentiles; warm: Percentiles; first?: Percentiles };
  /** Time warm invocations waited for a CPU taken by other work on the benching machine. */
  contentionMs?: { warm: Percentiles; samples: number[]; init?: Percentiles; cold?: Percentiles };
  /** The cgroup's memory high-water mark (includes page cache), when a memory cgroup was used. */
  cgroupPeakMb?: number;
  /** Cost of one cold request (INIT, where billed, + first invocation), USD. */
  costPerColdStart?: number;
  /** Runtime/backend the handler reported in its answers. */
  backend?: string;
  notes?: string[];
  // Load robustness (dlpack ≥ 0.2): which estimate the fields above hold, both estimates, raw phases.
  estimate?: Estimate;
  wall?: FigureSet;
  stable?: FigureSet;
  /** Per phase: INIT, the first invocation of each cold instance, warm invocations. */
  load?: { init: PhaseLoad; first: PhaseLoad; warm: PhaseLoad };
  /** Share of each figure's wall time spent waiting for a CPU held by other work (0..1), and CPU time per phase. */
  contentionShare?: { init: number; cold: number; warm: number };
  /** Adaptive sampling: when it stopped and why. */
  sampling?: {
    coldStarts: number;
    warmInvocations: number;
    /** Why cold starts stopped, and warm invocations. */
    stoppedBy: SamplingStop;
    warmStoppedBy?: SamplingStop;
    elapsedMs: number;
    /** The relative half-width of the medians' 95% CI aimed at, and the time cap (0 = fixed counts). */
    precision: number;
    maxTimeMs: number;
  };
}

export interface Recommendation {
  strategy: 'cheapest' | 'fastest' | 'balanced' | 'cheapest-within-latency';
  target: PlatformId;
  memoryMb: number;
  costPerMillion: number;
  warmP50Ms: number;
  reason: string;
  /** The latency the choice was judged on: cold p50 × coldShare + warm p50 × (1 − coldShare), ms. */
  latencyMs?: number;
  coldP50Ms?: number;
  /** Configurations within the noise of this one on the deciding figure (ties broken as `reason` says). */
  tiedWith?: { target: PlatformId; memoryMb: number }[];
}

export interface BenchReport {
  schema: 'dlpack.bench/1';
  createdAt: string;
  input: string;
  /** Runtime/backend the handler used, as the handler reported it. */
  backend?: string;
  configurations: BenchConfigResult[];
  recommendations: Recommendation[];
  /** How CPU share and memory limits were applied (also per configuration). */
  cpuMode?: 'cgroup' | 'scale' | 'off';
  memoryLimitMode?: 'cgroup' | 'watchdog';
  /** Why cgroups were not used, when they were not. */
  cgroupProblems?: string[];
  hostArch?: string;
  /** Which estimate the configurations' headline figures and the recommendations use (absent: wall). */
  estimate?: Estimate;
  /** Share of requests that are cold starts in the latency the recommendations judge (0.01 = 1%). */
  coldShare?: number;
  /** Weight of cost (vs. latency) in the balanced recommendation. */
  balanceWeight?: number;
  /** Share trimmed at each end of the per-request costs before averaging (Power Tuning: 0.2). */
  costTrim?: number;
  /** The latency goal of the "cheapest-within-latency" recommendation (warm p90, ms), when given. */
  maxLatencyMs?: number;
  /** Configurations whose figures were a material share run-queue wait (other work on this machine). */
  loadWarnings?: string[];
  /** `dlpack bench --shard i/n`: which part of the configuration list this report holds. */
  shard?: ShardInfo;
  /** `dlpack report merge`: the shard reports this one was joined from. */
  merged?: MergeInfo;
}

// ---------------------------------------------------------------- shards (--shard i/n, report merge)

/** One configuration of a sharded run: its stable key, the cost the split used and where it ran. */
export interface ShardConfiguration {
  /** "<model> <target> <memory> MB" (check) or "<target> <memory> MB" (bench); "<model> <target>" for size only, "<model> accuracy". */
  key: string;
  /** Cost the split balanced on (ms of work). */
  cost: number;
  /** The cost came from a previous report (else it is an estimate). */
  measured: boolean;
  shard: number;
}

export interface ShardInfo {
  /** 1-based shard number and the number of shards. */
  index: number;
  total: number;
  /** sha256 (16 hex digits) of the config and the run options every shard must share. */
  fingerprint: string;
  /** sha256 of the whole split (every key and its shard): shards planned from different costs differ. */
  plan: string;
  dlpackVersion: string;
  /** Every configuration of the run (all shards), with the shard it belongs to. */
  configurations: ShardConfiguration[];
  /** Where the costs came from. */
  costs: 'measured' | 'estimated' | 'mixed';
  /** bench: every configuration key of the whole run, in the order one unsharded run lists them. */
  order?: string[];
  /** check: every budget row of the whole run (without figures), in the order one unsharded run lists them. */
  rows?: ShardRow[];
}

/** A budget row of a sharded check, as every shard knows it (what a missing shard's rows are made of). */
export type ShardRow = Pick<BudgetResult, 'id' | 'model' | 'target' | 'memoryMb' | 'budget' | 'label' | 'unit' | 'direction' | 'level' | 'limitText' | 'limit' | 'tolerance'>;

export interface MergeInfo {
  total: number;
  fingerprint: string;
  plan: string;
  dlpackVersion: string;
  /** The shard reports joined, by shard number. */
  shards: { index: number; file: string }[];
  /** Shards with no report (only with --allow-partial): their configurations are not measured. */
  missing: number[];
  /** Keys of the configurations of the missing shards. */
  missingConfigurations: string[];
  configurations: number;
}

/** A measurement report carried inside a check report (sharded runs: `check --from` reads them back). */
export type CarriedReport =
  | { kind: 'transform'; file: string; report: TransformReport }
  | { kind: 'bundle'; file: string; report: BundleReport }
  | { kind: 'bench'; file: string; report: BenchReport };

// ---------------------------------------------------------------- check (budgets)

export interface BudgetResult {
  /** Stable id of this budget row: "<model> <target> <memory> MB <key>", used to match baselines. */
  id: string;
  model: string;
  target?: PlatformId;
  memoryMb?: number;
  /** Config key: zipped, unzipped, initP50 … warmP99, peakMemory, costPer1M, minCosine, maxAbsError. */
  budget: string;
  label: string;
  /** bytes | ms | MB (platform memory) | usd | number */
  unit: 'bytes' | 'ms' | 'MB' | 'usd' | 'number';
  direction: 'max' | 'min';
  level: 'error' | 'warn';
  /** Limit as written in the config ("45 MB", "80%") and resolved to the unit. */
  limitText: string;
  limit: number;
  actual?: number;
  /** actual − limit, in the unit (positive = over a max budget). */
  delta?: number;
  /** Relative slack applied (timing and cost budgets). */
  tolerance: number;
  baseline?: BaselineComparison;
  /** Which estimate the actual is (timing and cost budgets; see Estimate). */
  estimate?: Estimate;
  /**
   * The measured spread: the 95% confidence interval of the actual (order statistics of the
   * samples) and the noise margin derived from it (its relative half-width, capped), which the
   * verdict allows on top of the limit like the tolerance.
   */
  noise?: { low: number; high: number; margin: number; n: number };
  /** The samples the actual was taken from (timing budgets; pooled over runs), for later baseline comparisons. */
  samples?: number[];
  /** The percentile `actual` is of `samples` (50 = median). */
  percentile?: number;
  status: 'pass' | 'fail' | 'warn' | 'missing';
  /** Why it failed, warned or is missing. */
  reason?: string;
  /** The report file (or run) the actual came from. */
  source?: string;
}

/** A row compared with the same row of a baseline. */
export interface BaselineComparison {
  actual: number;
  /** Relative change for the worse (positive = worse: slower, larger, dearer; negative = better). */
  change: number;
  regression: boolean;
  source: string;
  /**
   * How it was compared: `distribution` — samples on both sides: Mann-Whitney test and a bootstrap
   * CI of the change; `point` — one figure on a side (too few samples): the change alone.
   */
  method?: 'distribution' | 'point';
  /** 95% bootstrap confidence interval of `change` (distribution method). */
  low?: number;
  high?: number;
  /** Mann-Whitney two-sided p-value. */
  p?: number;
  /** The change is real (p < 0.05 and the CI excludes 0); a regression's whole CI also exceeds maxRegression. */
  significant?: boolean;
  baselineN?: number;
  currentN?: number;
  /** The estimate the baseline's figure is (compared on the same estimate). */
  estimate?: Estimate;
}

export interface CheckReport {
  schema: 'dlpack.check/1';
  createdAt: string;
  config?: string;
  /** Reports read (--from) or produced by this run. */
  sources: string[];
  baselines: string[];
  tolerance: number;
  maxRegression: number;
  /** Which estimate timing and cost budgets were judged on (absent in reports before it existed: wall). */
  estimate?: Estimate;
  /** Bench runs measured per target (when dlpack check measured itself). */
  runs?: number;
  /** Load warnings from the bench reports judged (see BenchReport.loadWarnings). */
  loadWarnings?: string[];
  results: BudgetResult[];
  summary: { total: number; passed: number; failed: number; warned: number; missing: number; regressions: number };
  pass: boolean;
  /** `dlpack check --shard i/n`: the part of the run this report judged. */
  shard?: ShardInfo;
  /** `dlpack report merge`: the shard reports this one was joined from. */
  merged?: MergeInfo;
  /** The bundle/bench/transform reports measured (sharded runs), so `check --from` can judge them again. */
  measurements?: CarriedReport[];
}

// ---------------------------------------------------------------- inspect, platforms

/** The stable object `dlpack inspect --json` prints. Bump `schema` on breaking changes. */
export interface InspectReport {
  schema: 'dlpack.inspect/1';
  model: ModelDescription;
  summary: ModelSummary;
}

export function buildInspectReport(model: ModelDescription): InspectReport {
  return { schema: 'dlpack.inspect/1', model, summary: summarize(model) };
}

/** What `dlpack platforms --json` prints: every platform's facts with their sources. */
export interface PlatformsReport {
  schema: 'dlpack.platforms/1';
  platforms: PlatformProfile[];
}

// ---------------------------------------------------------------- init

/** How one starter budget was set: the measured figure, its spread and the headroom added. */
export interface BudgetBasis {
  measured: number;
  /** Relative half-width of the figure's 95% CI (undefined when there were no samples). */
  spread?: number;
  /** Relative headroom applied (before the floor and rounding). */
  headroom: number;
  /** The absolute floor won over the relative headroom. */
  floor?: boolean;
  unit: 'bytes' | 'ms' | 'MB' | 'usd';
}

/** What `dlpack init --json` prints: what was measured, the budgets written and how each was set. */
export interface InitReport {
  schema: 'dlpack.init/1';
  /** Absolute path of the config written. */
  config: string;
  workflow?: string;
  /** Runners the workflow splits the check over (absent: one job). */
  shards?: number;
  model: string;
  target: PlatformId;
  memoryMb: number[];
  /** Budget key (see config/budget-keys.ts) → the limit as written into the config. */
  budgets: Partial<Record<string, string>>;
  /** How each budget was set: the measured figure (at the memory size with the largest budget), its spread, the headroom. */
  basis: Partial<Record<string, BudgetBasis & { memoryMb?: number }>>;
  /** The estimate timing budgets were set from (and `dlpack check` will judge on). */
  estimate: Estimate;
  measured: { zipBytes?: number; unzippedBytes: number; configurations: { memoryMb: number; initP50Ms: number; coldP50Ms: number; warmP50Ms: number; peakMemoryMb: number; costPerMillion: number }[] };
}

export type AnyReport = TransformReport | BundleReport | BenchReport | CheckReport | InspectReport | PlatformsReport | InitReport;

/** The kind of each report, keyed by its schema string. */
export const REPORT_SCHEMAS = {
  'dlpack.transform/1': 'transform',
  'dlpack.bundle/1': 'bundle',
  'dlpack.bench/1': 'bench',
  'dlpack.check/1': 'check',
  'dlpack.inspect/1': 'inspect',
  'dlpack.platforms/1': 'platforms',
  'dlpack.init/1': 'init',
} as const;

export type ReportKind = (typeof REPORT_SCHEMAS)[keyof typeof REPORT_SCHEMAS];

/** The report type of a kind. */
export interface ReportsByKind {
  transform: TransformReport;
  bundle: BundleReport;
  bench: BenchReport;
  check: CheckReport;
  inspect: InspectReport;
  platforms: PlatformsReport;
  init: InitReport;
}
