/**
 * Measures what a config's budgets need by running dlpack's own engines: `bundle` for size budgets
 * (and as the input of the bench), `bench` for timing, memory and cost budgets, and the accuracy
 * check (model against its `original`) for accuracy budgets. Only what some budget needs is run.
 * The engines are loaded with dynamic imports, so `--from` runs and start-up never load them.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchReport, BundleReport, Estimate, TransformReport } from '../core/reports/schemas.js';
import type { LoadedReport } from '../core/reports/read-report.js';
import type { ResolvedConfig, ResolvedModel } from '../config/resolve-budgets.js';
import type { ShardSelection } from './shard-check.js';

export interface MeasureOptions {
  cold?: number;
  warm?: number;
  /** Bench runs per target; timing budgets pool their samples (default: see defaultRuns). */
  runs?: number;
  /** Headline estimate of the bench reports (both are always written). */
  estimate?: Estimate;
  /** Adaptive sampling per configuration (overrides the config's bench section). */
  maxTimeMs?: number;
  precision?: number;
  progress?: (message: string) => void;
  /** `--shard i/n`: measure only this shard's configurations (shard-check.ts). */
  select?: ShardSelection;
}

/** Runs when measuring: 3 where a timing budget could flip on one unlucky run, else 1. */
export const TIMING_RUNS = 3;

export function defaultRuns(config: ResolvedConfig): number {
  return config.models.some((m) => m.budgets.some((b) => b.spec.source === 'bench' && b.spec.noisy)) ? TIMING_RUNS : 1;
}

/** What one model's measurement produced (reports tagged with a readable source name). */
export interface ModelMeasurement {
  model: ResolvedModel;
  bundles: BundleReport[];
  benches: BenchReport[];
  transform?: TransformReport;
}

function stem(path: string): string {
  return basename(path).replace(/\.(onnx|json)$/i, '');
}

/** Bundles and benches one model for each of its targets, in a temp folder removed afterwards. */
export async function measureModel(
  model: ResolvedModel,
  needs: { bundle: boolean; bench: boolean; accuracy: boolean },
  bench: ResolvedConfig['bench'],
  options: MeasureOptions = {},
): Promise<ModelMeasurement> {
  const progress = options.progress ?? (() => undefined);
  const out: ModelMeasurement = { model, bundles: [], benches: [] };
  const select = options.select;
  const work = mkdtempSync(join(tmpdir(), 'dlpack-check-'));
  try {
    if (needs.bundle || needs.bench) {
      const { bundleModel } = await import('../bundle/index.js');
      const { runBench } = await import('../sim/run-bench.js');
      for (const target of model.targets) {
        // a shard bundles a target it benches, or whose size budgets it judges
        const sizes = select ? select.benchSizes(model, target) : model.memory;
        const keepBundle = !select || select.ownsBundle(model, target);
        const benchHere = needs.bench && (!select || sizes!.length > 0);
        if (!benchHere && !(needs.bundle && keepBundle)) continue;
        progress(`${model.name}: bundling for ${target}`);
        // The folder is named after the model so the bench report's input points back to it.
        const dir = join(work, target);
        mkdirSync(dir);
        const bundle = await bundleModel({
          model: model.model,
          target,
          runtime: model.runtime,
          arch: model.arch,
          handler: model.handler,
          memoryMb: model.memory?.[0],
          out: join(dir, stem(model.model)),
          onProgress: (m) => progress(`${model.name} ${target}: ${m}`),
        });
        if (keepBundle) out.bundles.push(bundle);
        if (!benchHere) continue;
        const runs = Math.max(1, options.runs ?? 1);
        for (let run = 1; run <= runs; run++) {
          progress(`${model.name}: benching ${target}${runs > 1 ? ` (run ${run} of ${runs})` : ''}`);
          const report = await runBench({
            input: bundle.outDir,
            targets: [target],
            memory: sizes?.length ? sizes.join(',') : 'default',
            cold: options.cold ?? bench.cold ?? 5,
            warm: options.warm ?? bench.warm ?? 20,
            cpu: bench.cpu ?? 'auto',
            arch: model.arch,
            estimate: options.estimate ?? bench.estimate ?? 'stable',
            sampling: { maxTimeMs: options.maxTimeMs ?? bench.maxTimeMs, precision: options.precision ?? bench.precision },
            progress: (m) => progress(`${model.name} ${target}: ${m}`),
          });
          out.benches.push(report);
        }
      }
    }
    if (needs.accuracy && model.original && (!select || select.ownsAccuracy(model))) {
      progress(`${model.name}: comparing outputs with ${basename(model.original)}`);
      const { runAccuracyCheck } = await import('../accuracy/accuracy-check.js');
      const result = await runAccuracyCheck({ original: model.original, candidate: model.model, runs: 0, samples: model.samples, preprocess: model.preprocess });
      const bytesBefore = statSync(model.original).size;
      const bytesAfter = statSync(model.model).size;
      out.transform = {
        schema: 'dlpack.transform/1',
        kind: 'convert',
        input: model.original,
        output: model.model,
        mode: 'compare',
        bytesBefore,
        bytesAfter,
        ratio: bytesAfter / bytesBefore,
        weightBytesByDtype: { before: {}, after: {} },
        accuracy: result.accuracy,
        changed: [],
        skipped: [],
        notes: [`measured by dlpack check: the model against its "original" on ${model.samples ? `the samples ${model.samples}` : 'generated inputs (set "samples" in the config for real ones)'}`],
      };
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function measureConfig(config: ResolvedConfig, options: MeasureOptions = {}): Promise<LoadedReport[]> {
  const reports: LoadedReport[] = [];
  for (const model of config.models) {
    const sources = new Set(model.budgets.map((b) => b.spec.source));
    const m = await measureModel(model, { bundle: sources.has('bundle'), bench: sources.has('bench'), accuracy: sources.has('transform') }, config.bench, options);
    for (const r of m.bundles) reports.push({ kind: 'bundle', file: `${model.name}: dlpack bundle --target ${r.target}`, report: r });
    for (const r of m.benches) reports.push({ kind: 'bench', file: `${model.name}: dlpack bench`, report: r });
    if (m.transform) reports.push({ kind: 'transform', file: `${model.name}: compared with ${basename(model.original!)}`, report: m.transform });
  }
  return reports;
}
