/**
 * dlpack as a library: everything the CLI does is a typed function here.
 */
import { describeModel } from './formats/load-model.js';
import { buildInspectReport, type InspectReport } from './core/reports/schemas.js';

export { DlpackError, isDlpackError } from './core/errors/dlpack-error.js';
export type { ErrorCode } from './core/errors/dlpack-error.js';
export * from './core/model-description.js';
export * from './formats/tfjs/index.js';
export { openTfjsSession } from './runtimes/tfjs-session.js';
export type { TfjsSession } from './runtimes/tfjs-session.js';
export { selectTfjsBackend, tfjsBackendCandidates, TFJS_BACKENDS } from './runtimes/tfjs-backend.js';
export type { TfjsBackendName, TfjsBackendAttempt, TfjsRuntime } from './runtimes/tfjs-backend.js';
export { tfjsLoadHandler, tfjsSaveHandler, tfjsArtifacts } from './runtimes/tfjs-io.js';
export type { InferenceSessionLike, TensorData, Feeds, OpenSessionOptions } from './runtimes/runtime.js';
export { describeModel } from './formats/load-model.js';
export { detectModelFile } from './formats/detect-model.js';
export * from './formats/onnx/index.js';
export { buildInspectReport } from './core/reports/schemas.js';
export type { InspectReport } from './core/reports/schemas.js';
export { parseBytes, parseDuration, parseMemoryMb, parseMemoryList, formatBytes, formatMs } from './core/units.js';

/** `dlpack inspect`: read a model and build its report. */
export async function inspectModel(path: string): Promise<InspectReport> {
  return buildInspectReport(await describeModel(path));
}
export * from './platforms/index.js';
export { runBench, resolveModes } from './sim/run-bench.js';
export type { BenchOptions, BenchRunReport } from './sim/run-bench.js';
export type { ConfigResult, CpuMode, MemoryLimitMode } from './sim/run-config.js';
export { projectMs } from './sim/cpu-projection.js';
export { buildPlatformsReport } from './platforms/render-platforms.js';
export type { PlatformsReport } from './core/reports/schemas.js';
export * from './bundle/index.js';

// quantize / convert and the accuracy check (ONNX here; TF.js and Keras through the same entry points)
export { quantizeModel } from './transforms/quantize-model.js';
export { convertModel } from './transforms/convert-model.js';
export { CheckFailedError } from './transforms/finish-transform.js';
export type { QuantizeOptions, ConvertOptions, CheckOptions, TransformOutcome, OnnxQuantMode, TfjsQuantDtype } from './transforms/transform-options.js';
export type { TransformReport, AccuracyReport, OutputAccuracy } from './core/reports/schemas.js';
export { runAccuracyCheck, adaptFeeds, gateFailure } from './accuracy/accuracy-check.js';
export type { AccuracyCheckOptions, AccuracyCheckResult } from './accuracy/accuracy-check.js';
export { generateFeeds, parseShapeFlags, resolveInputShapes, readFeedsFile } from './accuracy/input-feeds.js';
export { OutputComparison } from './accuracy/compare-outputs.js';
export { openSession } from './runtimes/open-session.js';
export { quantizeWeightsInt8 } from './transforms/onnx/quantize-weights.js';
export { quantizeDynamic } from './transforms/onnx/quantize-dynamic.js';
export { convertToFloat16, DEFAULT_FP16_BLOCK_LIST } from './transforms/onnx/convert-fp16.js';
export { quantizeTfjs } from './transforms/tfjs/quantize-tfjs.js';
export { convertKerasToTfjs } from './transforms/tfjs/convert-keras.js';
export { affineRange, quantizeAffine, quantizeFloat16 } from './transforms/tfjs/weight-quantization.js';
export { readKerasFile, describeKeras } from './formats/keras/read-keras.js';
export type { KerasModelFile, KerasWeight } from './formats/keras/keras-model.js';
export { computeScaleZeroPoint, quantizePerTensor, quantizePerChannel, roundHalfToEven } from './transforms/quant-math.js';
export { toFloat16, fromFloat16, float32ToFloat16Bits, float16BitsToFloat32 } from './core/tensor/to-float16.js';
export { decodeOutputs, decodeTensor, TENSOR_ENCODINGS, ENCODING_HEADER, type TensorEncoding, type DecodedTensor, type Base64Tensor } from './core/tensor/wire-encoding.js';

// budgets and CI: config, dlpack check / report / init, report formats
export { loadConfig, CONFIG_FILE } from './config/load-config.js';
export { validateConfig } from './config/validate-config.js';
export { CONFIG_SCHEMA } from './config/config-schema.js';
export type { DlpackConfig, ModelEntry, BudgetValue, BudgetLevel, LoadedConfig } from './config/config-types.js';
export { BUDGETS, BUDGET_KEYS } from './config/budget-keys.js';
export type { BudgetKey, BudgetSpec } from './config/budget-keys.js';
export { resolveBudgets, resolveLoaded } from './config/resolve-budgets.js';
export type { ResolvedConfig, ResolvedModel, ResolvedBudget } from './config/resolve-budgets.js';
export { evaluateBudgets } from './budgets/evaluate-budgets.js';
export { runCheck } from './budgets/run-check.js';
export type { CheckOptions as RunCheckOptions, CheckRun } from './budgets/run-check.js';
export { measureConfig } from './budgets/measure-config.js';
export { readReport, identifyReport } from './core/reports/read-report.js';
export type { LoadedReport, ReportKind } from './core/reports/read-report.js';
export { render, renderHuman, renderJunit, renderMarkdown, renderAnnotations, RENDERERS, formatsOf } from './report/kinds/index.js';
export type { RenderFormat } from './report/kinds/index.js';
export type { HumanOptions } from './report/render-types.js';
export { renderText, emitReport } from './report/emit.js';
export { renderHtml } from './report/html/page.js';
export { writeReports } from './report/write-reports.js';
export type { CheckReport, BudgetResult, AnyReport, InitReport } from './core/reports/schemas.js';
export { runInit } from './init/run-init.js';
export type { InitOptions } from './init/run-init.js';
export { workflowYaml, shardedWorkflowYaml } from './init/workflow-template.js';

// invoke / serve: a bundle called locally the way its platform calls it
export { invokeBundle } from './sim/invoke.js';
export type { InvokeOptions, InvokeResult, InvokeResponse } from './sim/invoke.js';
export { reportLine } from './sim/report-line.js';
export type { InvocationReport } from './sim/report-line.js';
export { renderInvokeResponse } from './report/kinds/invoke.js';
export { serveBundle } from './sim/serve.js';
export type { ServeOptions, ServeHandle } from './sim/serve.js';

// sharding a run over CI runners and joining the shard reports
export { parseShard, formatShard, planShards, shardRanking, fingerprint } from './core/shard-plan.js';
export type { ShardSpec, ShardItem, ShardPlan } from './core/shard-plan.js';
export { dlpackVersion } from './core/dlpack-version.js';
export { planCheckShard, checkItems } from './budgets/shard-check.js';
export { planBenchShard } from './sim/bench-shard.js';
export { estimateConfigCost, measuredConfigCost } from './sim/shard-cost.js';
export { mergeReports } from './report/merge-reports.js';
export type { MergeOptions, MergeResult, MergedReport } from './report/merge-reports.js';
export type { ShardInfo, MergeInfo, ShardConfiguration, CarriedReport, BenchReport, BundleReport } from './core/reports/schemas.js';
