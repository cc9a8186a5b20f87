/**
 * Imported before onnxruntime-node inside a bundle: onnxruntime 1.30 writes telemetry on every
 * cold start ($HOME/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db, /tmp/.ses,
 * /tmp/mat-debug-<pid>.log), wasted work on a function's read-only file system. The library reads
 * ORT_DISABLE_TELEMETRY when its environment is created; a value the deployer set is kept.
 */
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
if (env && env.ORT_DISABLE_TELEMETRY === undefined) env.ORT_DISABLE_TELEMETRY = '1';

export {};
