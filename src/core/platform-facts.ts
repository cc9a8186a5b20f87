/**
 * The shape of a platform profile: every platform fact is data with the address it came from next
 * to it (and a `verify` note with the date where the figure is uncertain). The figures themselves
 * live in src/platforms/<id>/facts.ts (one folder per platform); ../shared/platforms.md has the research.
 */

/** A platform's id (its folder name under src/platforms/); the registry there checks it at run time. */
export type PlatformId = string;
export type Arch = 'x64' | 'arm64';

/** A number (or other fact) with its source address; `verify` marks a figure seen only in a secondary source. */
export interface Sourced<T> {
  value: T;
  source: string;
  verify?: string;
}

/** vCPU as a function of memory: linear (Lambda: memory / 1,769 MB, capped) or fixed tiers. */
export type VcpuRule =
  | { kind: 'linear'; mbPerVcpu: Sourced<number>; maxVcpu: Sourced<number>; minVcpu?: number }
  | { kind: 'tiers'; tiers: Sourced<{ memoryMb: number; vcpu: number }[]> }
  | { kind: 'fixed'; vcpu: Sourced<number> };

export interface PlatformProfile {
  id: PlatformId;
  name: string;
  /** Allowed memory sizes: a range with a step, or a fixed list of sizes (tiers, instance sizes). */
  memory: {
    minMb: Sourced<number>;
    maxMb: Sourced<number>;
    stepMb?: Sourced<number>;
    sizesMb?: Sourced<number[]>;
    defaultMb: Sourced<number>;
    /** The sizes `--memory sweep` runs (default: the offered sizes up to 4 GB, or min and default). */
    sweepMb?: Sourced<number[]>;
    /** What the memory limit applies to: the process (default) or the isolate (Workers: JS heap + wasm, not the Node process around it). */
    limitScope?: Sourced<'process' | 'isolate'>;
  };
  vcpu: VcpuRule;
  /** Deployment package limits in bytes (absent when the platform has none of that kind). */
  package: {
    zippedBytes?: Sourced<number>;
    unzippedBytes?: Sourced<number>;
    /** Workers: script size after gzip, on the plan named by `plan`. */
    gzipBytes?: Sourced<number>;
    /** The plan the package limits above belong to (Workers: Paid), when the platform's plans differ. */
    plan?: string;
    /** The same limit on the other (smaller) plans, named in the size report: e.g. Workers Free 3 MB. */
    otherPlans?: { plan: string; gzipBytes: Sourced<number> }[];
    imageBytes?: Sourced<number>;
  };
  timeoutMs: Sourced<number>;
  /** Limit on the INIT phase (Lambda 10 s; Workers start-up 1 s). */
  initTimeoutMs?: Sourced<number>;
  payload: {
    requestBytes: Sourced<number>;
    responseBytes: Sourced<number>;
    /** How the platform refuses a request body over the limit, before the function runs. */
    requestTooLarge?: Sourced<PayloadError>;
    /** How the platform fails an invocation whose response is over the limit (absent: no documented limit). */
    responseTooLarge?: Sourced<PayloadError>;
  };
  billing: {
    granularityMs: Sourced<number>;
    /** Billed duration is at least this (default: one granularity step). */
    minimumBilledMs?: Sourced<number>;
    /** Billed memory is rounded up to a multiple of this (default: billed as configured). */
    memoryRoundUpMb?: Sourced<number>;
    /** Price per GB-second of configured memory, per architecture, USD. */
    pricePerGbSecond: Partial<Record<Arch, Sourced<number>>>;
    pricePerMillionRequests: Sourced<number>;
    /** Price per vCPU-second of allocated CPU (Cloud Run functions bill memory and CPU separately). */
    pricePerVcpuSecond?: Partial<Record<Arch, Sourced<number>>>;
    /** Price per second of CPU time actually used (Workers: CPU ms; Vercel: active CPU). */
    pricePerCpuSecond?: Sourced<number>;
    /** Whether the INIT phase is billed. */
    initBilled: Sourced<boolean>;
  };
  runtime: {
    /** Node.js major version the platform runs by default (esbuild target). */
    node: Sourced<string>;
    /** Whether native addons (.node) can load (false on Workers). */
    nativeAddons: Sourced<boolean>;
    /** Requests in flight per instance. */
    maxConcurrency: Sourced<number>;
    /** Where the function runs, as reports name it: `linux` (a Linux process on the chosen arch) or a V8 isolate. */
    sandbox?: Sourced<'linux' | 'v8-isolate'>;
  };
  /** How the platform's runtime starts Node for a memory size: its flags and environment. */
  launch?: RuntimeLaunch;
}

/** A payload refusal as the platform reports it: HTTP status seen by the caller, error type and message. */
export interface PayloadError {
  status: number;
  errorType: string;
  /** Message; `{size}` and `{limit}` are replaced by the bytes. */
  message: string;
}

/** The Node flags and environment variables a platform's runtime starts the process with. */
export interface RuntimeLaunch {
  source: string;
  verify?: string;
  /** The environment variable carrying the configured memory size, which a bundle reads at start (Lambda). */
  memoryEnv?: string;
  nodeFlags(memoryMb: number): string[];
  env(memoryMb: number, functionName: string): Record<string, string>;
}
