/**
 * The host-parity tier: a bundle, unzipped into an empty folder (no node_modules above it), answers
 * the same requests in its platform's own local runtime (src/sim/real-host.ts) and in dlpack's
 * emulator (the runtime host bench uses, one instance, requests in order), and the answers are
 * compared: status, body (the timing field `ms` aside), content type, error type and message.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleModel } from '../../../src/bundle/index.js';
import { describeModel } from '../../../src/formats/load-model.js';
import type { TensorInfo } from '../../../src/core/model-description.js';
import { getPlatform, nodeFlags, runtimeEnv } from '../../../src/platforms/index.js';
import type { PlatformId } from '../../../src/core/platform-facts.js';
import { resolveBenchInput } from '../../../src/sim/bench-input.js';
import { hostScript } from '../../../src/sim/host-script.js';
import { RuntimeInstance } from '../../../src/sim/instance.js';
import { findLocalHosts, missingHost } from '../../../src/sim/local-hosts.js';
import { RealHost, type RealRequest } from '../../../src/sim/real-host.js';
import { payloadLimits } from '../../../src/sim/run-config.js';
import { freshTmp, unzipTo } from '../../helpers/bundle-host.js';

export const hosts = findLocalHosts();

/** One request of the set: an HTTP body (Lambda: inside an HTTP API event), or a Lambda direct-invoke event. */
export interface ParityRequest {
  name: string;
  body?: string;
  /** Lambda only: the event itself (direct invoke). */
  event?: unknown;
}

/** An answer reduced to what must agree. */
export interface Answer {
  status?: number;
  contentType?: string;
  body?: unknown;
  errorType?: string;
  errorMessage?: string;
}

export interface Bundled {
  dir: string;
  entry: string;
  modules?: string[];
  runtime: string;
  work: string;
  limits: { limit: string; pass: boolean; actualBytes: number; limitBytes: number }[];
  notes: string[];
}

/** Bundles the model for the target, writes the zip and unzips it into an empty temp folder. */
export async function bundleAndUnzip(model: string, target: PlatformId, runtime?: string): Promise<Bundled> {
  const work = freshTmp(`dlpack-parity-${target}-`);
  const report = await bundleModel({ model, target, runtime, out: join(work, 'fn') });
  const dir = join(work, 'unzipped');
  await unzipTo(report.zipPath!, dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { entry: string; modules?: string[] };
  return { dir, entry: manifest.entry, modules: manifest.modules, runtime: report.runtime, work, limits: report.limits, notes: report.notes ?? [] };
}

export function cleanup(b: Bundled): void {
  rmSync(b.work, { recursive: true, force: true });
}

function sample(spec: TensorInfo): { dims: number[]; data: (number | boolean)[] } {
  const dims = (spec.shape ?? [1]).map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  const value = (i: number) => (spec.dtype === 'bool' ? i % 2 === 0 : spec.dtype.startsWith('float') ? Math.round(Math.sin(i + 1) * 1000) / 1000 : i % 100);
  return { dims, data: Array.from({ length: n }, (_, i) => value(i)) };
}

/** A valid request for the model (deterministic values), and the bad-request set built from its inputs. */
export async function requestSet(model: string, options: { badRequests?: boolean } = {}): Promise<ParityRequest[]> {
  const inputs = (await describeModel(model)).inputs;
  const valid = Object.fromEntries(inputs.map((i) => [i.name, sample(i)]));
  const first = inputs[0];
  const s = sample(first);
  const withFirst = (v: unknown) => JSON.stringify({ inputs: { ...valid, [first.name]: v } });
  const set: ParityRequest[] = [
    { name: 'valid', body: JSON.stringify({ inputs: valid }) },
    { name: 'valid with dtype', body: withFirst({ ...s, dtype: first.dtype }) },
  ];
  if (options.badRequests === false) return set;
  const fixed = (first.shape ?? []).findIndex((d) => typeof d === 'number' && d > 1);
  set.push(
    { name: 'unknown input', body: JSON.stringify({ inputs: { ...valid, nope: [1] } }) },
    { name: 'missing input', body: JSON.stringify({ inputs: Object.fromEntries(Object.entries(valid).slice(1)) }) },
    { name: 'dtype mismatch', body: withFirst({ ...s, dtype: first.dtype === 'int32' ? 'float32' : 'int32' }) },
    { name: 'rank', body: withFirst({ dims: [...s.dims, 1], data: s.data }) },
    { name: 'element count', body: withFirst({ dims: s.dims, data: s.data.slice(1) }) },
    { name: 'not a number', body: withFirst({ dims: s.dims, data: ['x', ...s.data.slice(1)] }) },
    { name: 'not rectangular', body: withFirst([[1, 2], [3]]) },
    { name: 'too many elements (413)', body: withFirst({ dims: s.dims.map((d, i) => (i === 0 ? 100_000_000 : d)), data: [] }) },
    { name: 'invalid JSON', body: '{' },
    { name: 'empty body', body: '' },
    { name: 'JSON array', body: '[1]' },
    { name: 'JSON string', body: '"text"' },
    { name: 'no inputs object', body: '{"input": [1]}' },
    { name: 'valid again (instance healthy)', body: JSON.stringify({ inputs: valid }) },
  );
  if (fixed >= 0) {
    const dims = [...s.dims];
    dims[fixed] += 1;
    set.push({ name: 'dimension', body: withFirst({ dims, data: new Array(dims.reduce((a, b) => a * b, 1)).fill(0) }) });
  }
  return set;
}

/** Lambda: HTTP bodies travel in an HTTP API (v2) event; direct-invoke events as they are. */
function lambdaEvent(r: ParityRequest): unknown {
  if (r.event !== undefined) return r.event;
  return { version: '2.0', routeKey: '$default', rawPath: '/', requestContext: { http: { method: 'POST', path: '/' } }, headers: { 'content-type': 'application/json' }, isBase64Encoded: false, body: r.body ?? '' };
}

function parse(text: string): unknown {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      delete v.ms;
      if (typeof v.body === 'string') v.body = parse(v.body);
    }
    return v;
  } catch {
    return text;
  }
}

function reduce(a: { status?: number; body?: string | Buffer; headers?: Record<string, string>; errorType?: string; errorMessage?: string }, lambda: boolean): Answer {
  if (a.errorType) return { errorType: a.errorType, errorMessage: a.errorMessage };
  const text = Buffer.isBuffer(a.body) ? a.body.toString('utf8') : a.body ?? '';
  return { status: a.status ?? (lambda ? 200 : undefined), contentType: lambda ? undefined : a.headers?.['content-type'], body: parse(text) };
}

/** The answers of the platform's own local host. */
export async function realAnswers(target: PlatformId, b: Bundled, requests: ParityRequest[]): Promise<Answer[]> {
  const profile = getPlatform(target);
  const memoryMb = profile.memory.defaultMb.value;
  const { host, start } = await RealHost.start({
    profile,
    dir: b.dir,
    entry: b.entry,
    modules: b.modules,
    memoryMb,
    hosts,
    nodeFlags: nodeFlags(profile, memoryMb),
    env: runtimeEnv(profile, memoryMb, 'dlpack-parity'),
    functionName: 'dlpack-parity',
    variant: 'wrangler',
    startTimeoutMs: 60_000,
    timeoutMs: 30_000,
  });
  try {
    if (!start.ok) throw new Error(`${target} host did not start: ${start.errorType}: ${start.errorMessage}\n${host.output.slice(-2000)}`);
    const out: Answer[] = [];
    for (const r of requests) {
      const req: RealRequest = target === 'aws-lambda' ? { event: lambdaEvent(r) } : { body: r.body ?? '', headers: { 'content-type': 'application/json' } };
      out.push(reduce(await host.send(req), target === 'aws-lambda'));
    }
    return out;
  } finally {
    await host.stop();
  }
}

/** The emulator's answers for the same bundle: one instance, the requests in order. */
export async function emulatorAnswers(target: PlatformId, b: Bundled, requests: ParityRequest[]): Promise<Answer[]> {
  const profile = getPlatform(target);
  const memoryMb = profile.memory.defaultMb.value;
  const input = await resolveBenchInput(b.dir, {});
  const inst = new RuntimeInstance({
    entry: input.entry,
    cwd: input.cwd,
    convention: target,
    exportName: input.exportName,
    event: {},
    memoryMb,
    functionName: 'dlpack-parity',
    nodeFlags: [...nodeFlags(profile, memoryMb), ...(input.nodeFlags ?? [])],
    env: runtimeEnv(profile, memoryMb, 'dlpack-parity'),
    hostScript: await hostScript(),
    timeoutMs: 30_000,
    initTimeoutMs: 30_000,
    payload: payloadLimits(profile),
  });
  try {
    const init = await inst.init();
    if (!init.ok) throw new Error(`emulator INIT failed: ${init.errorType}: ${init.errorMessage}\n${inst.output}`);
    const out: Answer[] = [];
    for (const r of requests) {
      const res = await inst.invoke({ event: target === 'aws-lambda' ? lambdaEvent(r) : r.body ?? '', wantBody: true });
      // an HTTP answer (any status) is compared as one; a function or platform error by its type and message
      const http = res.ok || (res.status !== undefined && res.errorType?.startsWith('HTTP '));
      out.push(reduce(http ? { status: res.status, body: res.body, headers: res.headers } : res, target === 'aws-lambda'));
    }
    return out;
  } finally {
    await inst.stop();
  }
}

/** Why this target's host tier cannot run here, or undefined. */
export function hostMissing(target: PlatformId): string | undefined {
  return missingHost(hosts, target, 'parity');
}
