/**
 * Runs a platform's contract end to end: bundle a model with the platform's handler template and
 * default runtime, unzip it into an empty folder (no node_modules above it), start one instance of
 * the emulator with the platform's own calling convention (its module loaded by the runtime host)
 * and invoke it. Used by the per-platform contract test and the sixth-platform test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleModel } from '../../src/bundle/index.js';
import { getPlatform, nodeFlags, platformModule, runtimeEnv } from '../../src/platforms/index.js';
import { hostScript } from '../../src/sim/host-script.js';
import { RuntimeInstance, type PhaseResult } from '../../src/sim/instance.js';
import type { BundleReport } from '../../src/core/reports/schemas.js';
import type { HttpRequestData } from '../../src/platforms/shared/convention.js';
import { assertNoNodeModulesAbove, unzipTo } from './bundle-host.js';

export interface ContractRun {
  report: BundleReport;
  /** The unzipped bundle. */
  dir: string;
  manifest: { entry: string; export: string; target: string; modules?: string[] };
  /** The zip's entries, in zip order. */
  entries: string[];
  /** One result per event, in order (the first invocation follows the cold start). */
  results: PhaseResult[];
}

/** An HTTP request as a client sends it (as under `dlpack serve`), instead of an event. */
export interface ClientRequest {
  http: HttpRequestData;
}

/** A client's POST / with a JSON body and extra headers. */
export function clientPost(body: unknown, headers: Record<string, string> = {}): ClientRequest {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  return { http: { method: 'POST', url: '/', headers: { host: 'localhost:8080', 'content-type': 'application/json', 'content-length': String(bytes.byteLength), ...headers }, body: bytes } };
}

const isClientRequest = (e: unknown): e is ClientRequest => e instanceof Object && 'http' in e && Object.keys(e).length === 1;

/**
 * Bundles `model` for `target` into `work`, unzips it and invokes each event through the platform's
 * convention (a ClientRequest is passed as the client's HTTP request).
 */
export async function runContract(target: string, model: string, work: string, events: unknown[]): Promise<ContractRun> {
  const profile = getPlatform(target);
  const memoryMb = profile.memory.defaultMb.value;
  const report = await bundleModel({ model, target, out: join(work, 'out'), memoryMb });
  const dir = join(work, 'unzipped');
  const entries = await unzipTo(report.zipPath!, dir);
  assertNoNodeModulesAbove(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ContractRun['manifest'];
  const imports = (platformModule(target).emulator.nodeImports?.(manifest) ?? []).flatMap((m) => ['--import', m]);
  const inst = new RuntimeInstance({
    entry: join(dir, manifest.entry),
    cwd: dir,
    convention: target,
    exportName: manifest.export,
    event: events[0],
    memoryMb,
    functionName: 'contract-test',
    nodeFlags: [...imports, ...nodeFlags(profile, memoryMb)],
    env: runtimeEnv(profile, memoryMb, 'contract-test'),
    hostScript: await hostScript(),
    timeoutMs: 30_000,
    initTimeoutMs: 30_000,
  });
  try {
    const init = await inst.init();
    if (!init.ok) throw new Error(`${target}: INIT failed: ${init.errorType}: ${init.errorMessage}\n${inst.output.slice(-2000)}`);
    const results: PhaseResult[] = [];
    for (const event of events) results.push(await inst.invoke(isClientRequest(event) ? { http: event.http, wantBody: true } : { event, wantBody: true }));
    return { report, dir, manifest, entries, results };
  } finally {
    await inst.stop();
  }
}

/** The JSON answer of an invocation: the body of an HTTP response (API Gateway: its `body` string). */
export function answerOf(r: PhaseResult): { status?: number; json: Record<string, unknown> } {
  const text = typeof r.body === 'string' ? r.body : r.body ? Buffer.from(r.body as Uint8Array).toString('utf8') : (r.preview ?? 'null');
  const json = JSON.parse(text) as Record<string, unknown>;
  if (typeof json.statusCode === 'number' && typeof json.body === 'string') return { status: json.statusCode, json: JSON.parse(json.body) as Record<string, unknown> };
  return { status: r.status, json };
}
