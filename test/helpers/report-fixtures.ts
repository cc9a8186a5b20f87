/**
 * Hand-written reports in the shapes of src/core/reports/schemas.ts with realistic numbers (an
 * ONNX MLP bundled for aws-lambda with onnxruntime-node, benched at 512 and 1024 MB), and a
 * helper that writes them and a config into a temp folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, sortedCopy } from '../../src/core/stats/percentiles.js';
import type { BenchConfigResult, BenchReport, BundleReport, TransformReport } from '../../src/core/reports/schemas.js';

export function bundleReport(over: Partial<BundleReport> = {}): BundleReport {
  return {
    schema: 'dlpack.bundle/1',
    target: 'aws-lambda',
    runtime: 'onnxruntime-node',
    arch: 'x64',
    format: 'zip',
    outDir: 'dist/aws-lambda',
    zipPath: 'dist/aws-lambda.zip',
    zipBytes: 17_834_512,
    unzippedBytes: 47_212_877,
    sha256: 'a'.repeat(64),
    entry: 'index.mjs',
    model: 'fixtures/models/mlp.onnx',
    files: [
      { path: 'libonnxruntime.so.1', bytes: 46_018_944, sha256: 'b'.repeat(64) },
      { path: 'onnxruntime_binding.node', bytes: 412_520, sha256: 'c'.repeat(64) },
      { path: 'index.mjs', bytes: 38_113, sha256: 'd'.repeat(64) },
      { path: 'model/mlp.onnx', bytes: 743_300, sha256: 'e'.repeat(64) },
    ],
    bundleInputs: [
      { path: 'node_modules/onnxruntime-common/dist/esm/index.js', bytes: 21_044 },
      { path: 'node_modules/onnxruntime-node/dist/index.js', bytes: 6_311 },
      { path: 'src/bundle/handler-runtime/predict.ts', bytes: 4_920 },
      { path: 'src/bundle/targets/aws-lambda.ts', bytes: 2_388 },
    ],
    limits: [
      { limit: 'zipped', limitBytes: 50 * 1024 * 1024, actualBytes: 17_834_512, pass: true, source: 'docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html' },
      { limit: 'unzipped', limitBytes: 250 * 1024 * 1024, actualBytes: 47_212_877, pass: true, source: 'docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html' },
    ],
    pass: true,
    ...over,
  };
}

/** Deterministic jitter around a centre value. */
function samples(n: number, centre: number, spread: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out.push(Number((centre + ((s / 2 ** 31) - 0.5) * 2 * spread).toFixed(3)));
  }
  return out;
}

const pct = (xs: number[], p: number): number => percentile(sortedCopy(xs), p);

export function benchConfig(memoryMb: number, scale = 1, over: Partial<BenchConfigResult> = {}): BenchConfigResult {
  const c = makeBenchConfig(memoryMb, scale, over);
  // Headline figures given by hand: a report in the older shape (its figures are wall figures).
  if (['initMs', 'coldTotalMs', 'warmMs', 'samples', 'costPerMillion'].some((k) => k in over)) {
    delete c.stable;
    delete c.wall;
    delete c.estimate;
  }
  return c;
}

function makeBenchConfig(memoryMb: number, scale: number, over: Partial<BenchConfigResult>): BenchConfigResult {
  const vcpu = memoryMb / 1769;
  const slow = Math.max(1, 1 / vcpu) * scale;
  const init = samples(5, 180 * slow, 12 * slow, memoryMb);
  const warm = samples(40, 2.4 * slow, 0.3 * slow, memoryMb + 1);
  const cold = init.map((x, i) => Number((x + 9 * slow + i * 0.1).toFixed(3)));
  const warmP50 = pct(warm, 50);
  const billed = Math.ceil(warmP50);
  const costPerMillion = Number((billed * (memoryMb / 1024) * 0.0000166667 * 1000 / 1000 * 1e6 / 1000 + 0.2).toFixed(4));
  return {
    target: 'aws-lambda',
    memoryMb,
    vcpu,
    arch: 'x64',
    cpuMode: 'cgroup',
    memoryLimitMode: 'cgroup',
    coldStarts: init.length,
    warmInvocations: warm.length,
    concurrency: 1,
    initMs: { p50: pct(init, 50), p90: pct(init, 90) },
    coldTotalMs: { p50: pct(cold, 50), p90: pct(cold, 90) },
    warmMs: { p50: warmP50, p90: pct(warm, 90), p95: pct(warm, 95), p99: pct(warm, 99) },
    peakMemoryMb: 96 + memoryMb / 64,
    billedMs: billed,
    costPerMillion,
    errors: { oom: 0, timeout: 0, error: 0, messages: [] },
    memoryGrowthKbPerInvoke: 0.4,
    leakWarning: false,
    samples: { initMs: init, coldTotalMs: cold, warmMs: warm },
    // The headline figures are the load-robust estimate; wall time ran longer while other work held the CPU.
    estimate: 'stable',
    stable: figureSet(init, cold, warm, billed, costPerMillion),
    wall: figureSet(init.map((x) => x * 1.18), cold.map((x) => x * 1.17), warm.map((x) => x * 1.05), billed, costPerMillion),
    cpuMs: { init: { p50: Number((pct(init, 50) * 0.8).toFixed(3)), p90: Number((pct(init, 90) * 0.8).toFixed(3)) }, warm: { p50: Number((warmP50 * 0.95).toFixed(3)), p90: Number((pct(warm, 90) * 0.95).toFixed(3)) } },
    contentionShare: { init: memoryMb <= 512 ? 0.15 : 0.06, cold: memoryMb <= 512 ? 0.14 : 0.06, warm: 0.05 },
    ...over,
  };
}

function figureSet(init: number[], cold: number[], warm: number[], billedMs: number, costPerMillion: number) {
  const p = (xs: number[]) => ({ p50: pct(xs, 50), p90: pct(xs, 90), p95: pct(xs, 95), p99: pct(xs, 99) });
  return { initMs: p(init), coldTotalMs: p(cold), warmMs: p(warm), samples: { initMs: init, coldTotalMs: cold, warmMs: warm }, billedMs, costPerMillion };
}

export function benchReport(scale = 1, sizes = [512, 1024], over: Partial<BenchReport> = {}): BenchReport {
  const configurations = sizes.map((m) => benchConfig(m, scale));
  const cheapest = [...configurations].sort((a, b) => a.costPerMillion - b.costPerMillion)[0];
  const fastest = [...configurations].sort((a, b) => a.warmMs.p50 - b.warmMs.p50)[0];
  return {
    schema: 'dlpack.bench/1',
    createdAt: '2026-11-28T12:00:00.000Z',
    input: 'dist/aws-lambda',
    backend: 'onnxruntime-node 1.30.0 (cpu)',
    configurations,
    estimate: 'stable',
    coldShare: 0.01,
    balanceWeight: 0.5,
    costTrim: 0.2,
    recommendations: [
      { strategy: 'cheapest', target: 'aws-lambda', memoryMb: cheapest.memoryMb, costPerMillion: cheapest.costPerMillion, warmP50Ms: cheapest.warmMs.p50, reason: 'lowest cost per 1M requests' },
      { strategy: 'fastest', target: 'aws-lambda', memoryMb: fastest.memoryMb, costPerMillion: fastest.costPerMillion, warmP50Ms: fastest.warmMs.p50, reason: 'lowest warm p50' },
    ],
    ...over,
  };
}

export function transformReport(over: Partial<TransformReport> = {}): TransformReport {
  return {
    schema: 'dlpack.transform/1',
    kind: 'quantize',
    input: 'fixtures/models/mlp.onnx',
    output: 'fixtures/models/mlp.int8.onnx',
    mode: 'int8-dynamic',
    bytesBefore: 743_300,
    bytesAfter: 196_212,
    ratio: 196_212 / 743_300,
    weightBytesByDtype: { before: { float32: 739_328 }, after: { int8: 184_832, float32: 7_168 } },
    accuracy: {
      backend: 'onnxruntime-node (cpu)',
      samples: 64,
      outputs: [{ name: 'logits', maxAbsError: 0.0123, meanAbsError: 0.0021, cosine: 0.99962, top1Agreement: 1 }],
    },
    changed: [{ name: 'fc1.weight', what: 'float32 → int8' }],
    skipped: [],
    ...over,
  };
}

/** Writes files (objects as JSON) into a new temp folder; returns the folder. */
export function writeFolder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-check-'));
  for (const [name, value] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  }
  return dir;
}
