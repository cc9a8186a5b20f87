/**
 * The runtime host: the process a platform would start for one function instance. It is spawned
 * fresh for each cold start with the platform's Node flags and environment, already inside its
 * cgroup. On `init` it imports the handler module (INIT: module load plus anything the module
 * awaits at top level or exports as a promise, such as the model load), then serves `invoke`
 * messages with the platform's calling convention. Every phase is timed here, in the child, with
 * its CPU time (user + system, all threads) and the kernel's RSS high-water mark.
 *
 * Run as a script only (dist/src/sim/runtime-host.js, or an esbuild bundle of this file when
 * dlpack runs from its TypeScript sources). Handler output goes to this process's stdout/stderr.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { HostReply, HostRequest, PhaseSample } from './protocol.js';
import { CONVENTIONS, type Invoker } from './conventions/index.js';
import { installAzureCoreApi } from './conventions/azure-functions.js';

type InitRequest = Extract<HostRequest, { type: 'init' }>;

let config: InitRequest | undefined;
let invoker: Invoker | undefined;

function send(msg: HostReply): void {
  process.send?.(msg);
}

/** Sum over threads of the time spent runnable but waiting for a CPU (Linux schedstat), ns. */
function runQueueNs(): number {
  let total = 0;
  try {
    for (const task of readdirSync('/proc/self/task')) {
      try {
        total += Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'latin1').split(' ')[1]) || 0;
      } catch {
        /* thread ended */
      }
    }
  } catch {
    return NaN;
  }
  return total;
}

function sample(t0: number, cpu0: NodeJS.CpuUsage, rq0: number): PhaseSample {
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rq = (runQueueNs() - rq0) / 1e6;
  const mem = process.memoryUsage();
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    runQueueMs: Number.isFinite(rq) ? Math.max(0, rq) : undefined,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: mem.rss,
    heapBytes: mem.heapUsed + mem.external,
  };
}

function describeError(err: unknown, fallbackType: string): { errorType: string; errorMessage: string } {
  if (err instanceof Error) return { errorType: err.name && err.name !== 'Error' ? err.name : fallbackType, errorMessage: err.message };
  return { errorType: fallbackType, errorMessage: String(err) };
}

/** Awaits promises the module exports (e.g. `export const ready = loadModel()`): part of INIT. */
async function settleExports(mod: Record<string, unknown>): Promise<void> {
  const pending = Object.values(mod).filter((v): v is PromiseLike<unknown> => Boolean(v) && typeof (v as PromiseLike<unknown>).then === 'function');
  await Promise.all(pending);
}

async function init(req: InitRequest): Promise<void> {
  config = req;
  const rq0 = runQueueNs();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let mod: Record<string, unknown>;
  try {
    if (req.convention === 'azure-functions') installAzureCoreApi(req.entry);
    mod = (await import(pathToFileURL(req.entry).href)) as Record<string, unknown>;
    await settleExports(mod);
  } catch (err) {
    send({ type: 'init-done', ok: false, ...describeError(err, 'Runtime.ImportModuleError'), ...sample(t0, cpu0, rq0) });
    return;
  }
  try {
    invoker = CONVENTIONS[req.convention].prepare(mod, req.exportName);
  } catch (err) {
    send({ type: 'init-done', ok: false, errorType: 'Runtime.HandlerNotFound', errorMessage: (err as Error).message, ...sample(t0, cpu0, rq0) });
    return;
  }
  const backend = typeof mod.backend === 'string' ? mod.backend : undefined;
  send({ type: 'init-done', ok: true, backend, ...sample(t0, cpu0, rq0) });
}

/** The `backend` field dlpack's handler templates put in their JSON answer (read after timing). */
function backendOf(body: string | Uint8Array, bytes: number): string | undefined {
  if (bytes > 1_000_000) return undefined;
  try {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    let v = JSON.parse(text) as { backend?: unknown; body?: unknown };
    if (typeof v?.body === 'string') v = JSON.parse(v.body) as { backend?: unknown };
    return typeof v?.backend === 'string' ? v.backend : undefined;
  } catch {
    return undefined;
  }
}

async function invoke(id: number): Promise<void> {
  if (!config || !invoker) throw new Error('invoke before a successful init');
  const requestId = `${process.pid.toString(16)}-${id.toString(16).padStart(8, '0')}-dlpack`;
  const rq0 = runQueueNs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const out = await invoker(config.event, {
      requestId,
      functionName: config.functionName,
      memoryMb: config.memoryMb,
      timeoutMs: config.timeoutMs,
      startedAt: t0,
    });
    const s = sample(t0, cpu0, rq0);
    const bytes = typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.byteLength;
    const text = typeof out.body === 'string' ? out.body : Buffer.from(out.body.subarray(0, 300)).toString('utf8');
    send({ type: 'invoke-done', id, ok: true, status: out.status, bodyBytes: bytes, preview: text.slice(0, 300), backend: backendOf(out.body, bytes), ...s });
  } catch (err) {
    const s = sample(t0, cpu0, rq0);
    send({ type: 'invoke-done', id, ok: false, ...describeError(err, 'Error'), ...s });
  }
}

process.on('message', (msg: HostRequest) => {
  if (msg.type === 'init') void init(msg);
  else if (msg.type === 'invoke') void invoke(msg.id);
  else if (msg.type === 'gc') {
    // Twice: the first call may only finish an incremental marking cycle already under way.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const mem = process.memoryUsage();
    send({ type: 'gc-heap', heapBytes: mem.heapUsed + mem.external });
  }
});
// The parent going away ends the instance (no orphans).
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', rssBytes: process.memoryUsage.rss() });
