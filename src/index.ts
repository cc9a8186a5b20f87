/**
 * dlpack as a library: everything the CLI does is a typed function here.
 */
import { describeModel } from './formats/load-model.js';
import { buildInspectReport, type InspectReport } from './report/inspect-report.js';

export { DlpackError, isDlpackError } from './errors/dlpack-error.js';
export type { ErrorCode } from './errors/dlpack-error.js';
export * from './model/model-description.js';
export * from './formats/tfjs/index.js';
export { openTfjsSession } from './runtimes/tfjs-session.js';
export type { TfjsSession } from './runtimes/tfjs-session.js';
export { selectTfjsBackend, tfjsBackendCandidates, TFJS_BACKENDS } from './runtimes/tfjs-backend.js';
export type { TfjsBackendName, TfjsBackendAttempt, TfjsRuntime } from './runtimes/tfjs-backend.js';
export { tfjsLoadHandler, tfjsSaveHandler, tfjsArtifacts } from './runtimes/tfjs-io.js';
export type { InferenceSessionLike, TensorData, Feeds, OpenSessionOptions } from './runtimes/runtime.js';
export { describeModel, detectModelFile } from './formats/load-model.js';
export * from './formats/onnx/index.js';
export { buildInspectReport, renderInspectReport } from './report/inspect-report.js';
export type { InspectReport } from './report/inspect-report.js';
export { parseBytes, parseDuration, formatBytes, formatMs } from './report/units.js';

/** `dlpack inspect`: read a model and build its report. */
export async function inspectModel(path: string): Promise<InspectReport> {
  return buildInspectReport(await describeModel(path));
}
export * from './platforms/index.js';
export { runBench, resolveModes } from './sim/run-bench.js';
export type { BenchOptions, BenchRunReport } from './sim/run-bench.js';
export type { ConfigResult, CpuMode, MemoryLimitMode } from './sim/run-config.js';
export { renderBenchReport } from './sim/render-bench.js';
export { projectMs } from './sim/cpu-projection.js';
export { buildPlatformsReport, renderPlatforms } from './platforms/render-platforms.js';
export type { PlatformsReport } from './platforms/render-platforms.js';
export * from './bundle/index.js';
