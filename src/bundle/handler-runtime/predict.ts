/**
 * The handler core every template calls (inside the bundle): the model is loaded once per
 * instance (a cached promise, started at module scope), each request is validated, run and
 * answered as JSON. A bad request gets a 4xx answer; the cached model stays usable.
 */
import config from 'dlpack:config';
import { loadModel } from 'dlpack:runtime';
import type { HandlerConfig, VcpuRuleData } from './handler-config.js';
import { buildFeeds, parseRequest, RequestError } from './tensor-request.js';
import { encodeTensor } from './tensor-response.js';
import { describeFeeds, isShapeError, plainRuntimeMessage } from './runtime-errors.js';
import type { ModelSession, Tensor } from './model-session.js';

export interface PredictResult {
  status: number;
  body: Record<string, unknown>;
}

function vcpuFrom(rule: VcpuRuleData, memoryMb: number): number {
  if (rule.kind === 'fixed') return rule.vcpu;
  if (rule.kind === 'linear') return Math.min(rule.maxVcpu, Math.max(rule.minVcpu ?? 0, memoryMb / rule.mbPerVcpu));
  let vcpu = rule.tiers[0]?.vcpu ?? 1;
  for (const t of rule.tiers) if (memoryMb >= t.memoryMb) vcpu = t.vcpu;
  return vcpu;
}

/** Threads for the runtime: the vCPU of the memory size the platform reports, else the baked-in one. */
export function threadsFor(cfg: HandlerConfig): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const override = Number(env?.DLPACK_THREADS);
  if (Number.isInteger(override) && override > 0) return override;
  const memory = cfg.memoryEnv ? Number(env?.[cfg.memoryEnv]) : NaN;
  if (cfg.vcpuRule && Number.isFinite(memory) && memory > 0) return Math.max(1, Math.round(vcpuFrom(cfg.vcpuRule, memory)));
  return cfg.threads;
}

let session: Promise<ModelSession> | undefined;

/** The model, loaded once per instance. A failed load is retried on the next request. */
export function model(): Promise<ModelSession> {
  if (session) return session;
  const loading = loadModel(config, threadsFor(config));
  loading.catch(() => (session = undefined));
  session = loading;
  return loading;
}

/**
 * Starts loading at module scope, without an unhandled rejection if it fails. Templates export the
 * returned promise as `ready`: hosts that await module-scope work (an ESM top-level await on
 * Lambda, and `dlpack bench`) then count the model load as INIT, not as part of the first request.
 */
export function preload(): Promise<void> {
  return model().then(
    () => undefined,
    () => undefined,
  );
}

/**
 * One request: `body` as received (text, bytes or parsed JSON); `encodingHeader` is the request's
 * x-dlpack-encoding header on HTTP targets (the body's "encoding" field wins).
 */
export async function predict(body: unknown, encodingHeader?: string | null): Promise<PredictResult> {
  let feeds: Record<string, Tensor> | undefined;
  let loaded = false;
  try {
    const request = parseRequest(body, config, encodingHeader);
    feeds = buildFeeds(request.inputs, config);
    const m = await model();
    loaded = true;
    const started = Date.now();
    const outputs = await m.run(feeds);
    const encoded: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(outputs)) encoded[name] = encodeTensor(t, request.encoding);
    return { status: 200, body: { outputs: encoded, backend: m.backend, ms: Date.now() - started } };
  } catch (err) {
    if (err instanceof RequestError) return { status: err.status, body: { error: err.message } };
    const message = err instanceof Error ? err.message : String(err);
    // the model loaded and the request passed validation: a shape error is the request's (400)
    if (feeds && loaded && isShapeError(message)) {
      return { status: 400, body: { error: `the model cannot compute with these input shapes (${describeFeeds(feeds)}): ${plainRuntimeMessage(message)}` } };
    }
    console.error(`dlpack handler: inference failed: ${message}`);
    return { status: 500, body: { error: `inference failed: ${plainRuntimeMessage(message)}` } };
  }
}

export { config };
