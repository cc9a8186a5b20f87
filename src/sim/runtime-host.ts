/**
 * The runtime host: the process a platform would start for one function instance. It is spawned
 * fresh for each cold start with the platform's Node flags and environment, already inside its
 * cgroup. On `init` it imports the handler module (INIT: module load plus anything the module
 * awaits at top level or exports as a promise, such as the model load), then serves `invoke`
 * messages with the platform's calling convention. Every phase is timed here, in the child, with
 * its CPU time (user + system, all threads) and the kernel's RSS high-water mark.
 *
 * A phase's clock starts when the parent sent its request (`sentAt`), not when this process got
 * round to it: work the handler module left running on the main thread (a model load neither
 * awaited nor exported, e.g. onnxruntime-node's session creation) delays the next event, and on
 * the platform that delay is part of the invocation. Its CPU time counts too: CPU and run-queue
 * accounting start where the previous phase ended (the host is otherwise idle in between).
 *
 * Run as a script only (one CommonJS bundle of this file: dist/runtime-host.cjs, or a cached one in
 * the temp folder when dlpack runs from its TypeScript sources; see host-script.ts), with the platform's calling convention module as its
 * argument (src/platforms/<id>/convention.ts, made a CommonJS file by host-script.ts): it is
 * required while the host boots, before `ready`. Handler output goes to this process's stdout/stderr.
 */
// a module binding: the host keeps its process object when a Workers handler runs with it hidden
import process from 'node:process';
import type { Performance as NodePerformance } from 'node:perf_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { monotonicMs, type HostReply, type HostRequest, type PhaseSample } from './protocol.js';
import { bodyOf, nameAndMessage, safeString, type Convention, type Invoker, type PlatformFault } from '../platforms/shared/convention.js';
import { ownCpuStat } from './cgroup.js';

/** The platform's calling convention (the module named by the first argument). */
const convention = (createRequire(process.argv[2])(process.argv[2]) as { convention: Convention }).convention;

type InitRequest = Extract<HostRequest, { type: 'init' }>;

let config: InitRequest | undefined;
let invoker: Invoker | undefined;

function send(msg: HostReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

/**
 * Faults no handler caught (unhandled rejections, exceptions thrown from callbacks) go the
 * platform's way (the convention's `faults`): the phases in flight fail with the platform's error
 * type and message, then the runtime exits with the platform's status — or, where the platform
 * lives on (Workers), the fault is reported with the phase in flight (or the next one).
 */
const inflight = new Set<(fault: PlatformFault) => void>();
let pendingFault: PlatformFault | undefined;
let exiting = false;

function onFault(kind: 'unhandledRejection' | 'uncaughtException', reason: unknown): void {
  if (exiting) return;
  const behaviour = config ? convention.faults : undefined;
  // before INIT: Node's own behaviour (print and exit 1)
  const fault: PlatformFault = behaviour?.[kind](reason) ?? { errorType: nameAndMessage(reason).name, errorMessage: nameAndMessage(reason).message, exitCode: 1 };
  console.error(`${kind === 'unhandledRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception'}: ${safeString(reason instanceof Error ? reason.stack ?? reason : reason)}`);
  if (fault.exitCode === undefined) {
    pendingFault ??= fault;
    return;
  }
  exiting = true;
  const failing = [...inflight];
  inflight.clear();
  for (const fail of failing) fail(fault);
  // the parent keeps it for the death that follows (its exit status is reported with this reason)
  const told = send({ type: 'fault', errorType: fault.errorType, errorMessage: fault.errorMessage });
  const code = fault.exitCode;
  void told.then(() => setImmediate(() => process.exit(code)));
}
process.on('unhandledRejection', (reason) => onFault('unhandledRejection', reason));
process.on('uncaughtException', (error) => onFault('uncaughtException', error));

/** Registers a phase that a fault may fail; returns `settle`, true when the caller still owns the reply. */
function track(fail: (fault: PlatformFault) => void): () => boolean {
  let open = true;
  const entry = (fault: PlatformFault) => {
    if (!open) return;
    open = false;
    fail(fault);
  };
  inflight.add(entry);
  return () => {
    inflight.delete(entry);
    if (!open) return false;
    open = false;
    return true;
  };
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

/** Time the CFS quota of this process's CPU group held it back (cpu.stat), ns; NaN without a group. */
const cpuStat = ownCpuStat();
function throttledNs(): number {
  if (!cpuStat) return NaN;
  try {
    const m = readFileSync(cpuStat.file, 'latin1').match(new RegExp(`^${cpuStat.key} (\\d+)`, 'm'));
    return m ? Number(m[1]) * (cpuStat.key === 'throttled_usec' ? 1000 : 1) : NaN;
  } catch {
    return NaN;
  }
}

interface Counters {
  cpu: NodeJS.CpuUsage;
  rqNs: number;
  throttledNs: number;
}

/** A phase under way: its start on the shared clock, how long the request waited, its counters at the start. */
interface Phase {
  t0: number;
  queuedMs: number;
  queuedBusyMs: number;
  from: Counters;
  /** inFlightMs() when the phase began: with requests in flight together, the host's waits are shared. */
  overlapFrom: number;
}

/** Run queue first, CPU last: reading /proc costs ~0.1 ms of CPU that is nobody's phase. */
const counters = (): Counters => {
  const rqNs = runQueueNs();
  const throttled = throttledNs();
  return { rqNs, throttledNs: throttled, cpu: process.cpuUsage() };
};

/**
 * Node's `performance` (event-loop utilization), loaded on first use: perf_hooks costs ~2.5 ms of
 * CPU, which the host does not spend before it is ready (a bare Node process does not). The
 * global's lazy getter is captured now, so a handler that replaces `globalThis.performance` does
 * not change what the host reads.
 */
const performanceGetter = Object.getOwnPropertyDescriptor(globalThis, 'performance')?.get;
let perf: NodePerformance | undefined;
function hostPerformance(): NodePerformance {
  perf ??= (performanceGetter ? performanceGetter.call(globalThis) : globalThis.performance) as NodePerformance;
  return perf;
}
type Elu = ReturnType<NodePerformance['eventLoopUtilization']>;

/** Counters when the last phase ended (no phase in flight since): the next phase counts from here. */
let idleSince = counters();
/** Event-loop utilization when the last phase ended; none before INIT (nothing but the host ran). */
let eluSince: Elu | undefined;
let inFlight = 0;
/** ∫ requests in flight dt (ms), up to `inFlightAt`: the average concurrency over any interval. */
let inFlightIntegral = 0;
let inFlightAt = monotonicMs();
function inFlightMs(now: number): number {
  inFlightIntegral += inFlight * (now - inFlightAt);
  inFlightAt = now;
  return inFlightIntegral;
}

/** Starts a phase at the time the parent sent its request (never later than now). */
function begin(sentAt: number | undefined): Phase {
  const now = monotonicMs();
  const t0 = sentAt !== undefined && Number.isFinite(sentAt) && sentAt < now ? sentAt : now;
  // With other requests in flight (concurrency), the work before this one is theirs.
  const from = inFlight === 0 ? idleSince : counters();
  const overlapFrom = inFlightMs(now);
  inFlight++;
  // Main-thread busy time while the request waited (event-loop utilization): other threads' CPU
  // (V8's background GC and compilers, a runtime's thread pool) does not hold the event back.
  const busy = inFlight === 1 && eluSince ? hostPerformance().eventLoopUtilization(eluSince).active : 0;
  return { t0, queuedMs: now - t0, queuedBusyMs: busy, from, overlapFrom };
}

/**
 * Ends a phase: its sample. If no other phase is in flight the host is idle from here, and the
 * counters just read (before the reply goes out, so no later work is missed) start the next phase.
 */
function finish(p: Phase): PhaseSample {
  const end = monotonicMs();
  const ms = end - p.t0;
  const cpu = process.cpuUsage(p.from.cpu);
  const rqNs = runQueueNs();
  // With other requests in flight (--concurrency), the host's run-queue waits over this phase are
  // shared by all of them: this phase is charged its share (the average number in flight), not all
  // of it, or a 100 ms timer would be estimated below 100 ms.
  const span = end - (p.t0 + p.queuedMs);
  const together = span > 0 ? Math.max(1, (inFlightMs(end) - p.overlapFrom) / span) : 1;
  const rq = (rqNs - p.from.rqNs) / 1e6 / together;
  const throttledNow = throttledNs();
  const throttled = (throttledNow - p.from.throttledNs) / 1e6;
  const mem = process.memoryUsage();
  const maxRss = process.resourceUsage().maxRSS;
  // CPU read last: the sampling itself (reading /proc) is neither this phase's nor the next one's.
  if (--inFlight === 0) {
    // utilization first: loading perf_hooks after INIT is the host's work, not the next phase's
    eluSince = hostPerformance().eventLoopUtilization();
    idleSince = { rqNs, throttledNs: throttledNow, cpu: process.cpuUsage() };
  }
  return {
    ms,
    queuedMs: p.queuedMs,
    queuedBusyMs: p.queuedBusyMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    runQueueMs: Number.isFinite(rq) ? Math.max(0, rq) : undefined,
    throttledMs: Number.isFinite(throttled) ? Math.max(0, throttled) : undefined,
    maxRssBytes: maxRss * 1024,
    rssBytes: mem.rss,
    heapBytes: mem.heapUsed + mem.external,
  };
}

/** Between phases (after our own work such as a forced GC): what runs from here counts in the next phase. */
function markIdle(): void {
  if (inFlight === 0) {
    if (eluSince) eluSince = hostPerformance().eventLoopUtilization();
    idleSince = counters();
  }
}

function describeError(err: unknown, fallbackType: string): { errorType: string; errorMessage: string } {
  if (err instanceof Error) {
    const { name, message } = nameAndMessage(err);
    return { errorType: name !== 'Error' ? name : fallbackType, errorMessage: message };
  }
  return { errorType: fallbackType, errorMessage: safeString(err) };
}

/**
 * aws-lambda-ric 3.x (UserFunction.js `_tryRequire`, what the nodejs20.x/22.x runtimes run), the
 * Functions Framework (loader.js `isEsModule`) and the Azure Functions Node worker
 * (`loadScriptFile`): `.mjs` is imported, `.cjs` required, `.js` required unless the nearest
 * package.json says `"type": "module"`. import() of a CommonJS file costs more CPU than require()
 * (the ES module loader parses it for its named exports): a bench that imported it over-stated INIT.
 */
async function loadByType(entry: string): Promise<Record<string, unknown>> {
  const esm = entry.endsWith('.mjs') || (entry.endsWith('.js') && nearestPackageType(dirname(entry)) === 'module');
  if (esm) return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  return createRequire(entry)(entry) as Record<string, unknown>;
}

function nearestPackageType(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    try {
      return (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { type?: string }).type ?? 'commonjs';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return 'commonjs';
    }
    if (dirname(d) === d) return undefined;
  }
}

/** Awaits promises the module exports (e.g. `export const ready = loadModel()`): part of INIT. */
async function settleExports(mod: Record<string, unknown>): Promise<void> {
  const pending = Object.values(mod).filter((v): v is PromiseLike<unknown> => Boolean(v) && typeof (v as PromiseLike<unknown>).then === 'function');
  await Promise.all(pending);
}

async function init(req: InitRequest): Promise<void> {
  config = req;
  // no handler code has run yet: CPU counts from here, not from the host's start (receiving and
  // decoding this request is the harness's work); the wall clock still starts when it was sent
  markIdle();
  const phase = begin(req.sentAt);
  const reply = (outcome: { ok: true; backend?: string } | { ok: false; errorType: string; errorMessage: string }) =>
    void send({ type: 'init-done', ...outcome, ...finish(phase) });
  const settle = track((f) => reply({ ok: false, errorType: f.errorType, errorMessage: f.errorMessage }));
  const done = (outcome: Parameters<typeof reply>[0]) => {
    if (!settle()) return;
    if (outcome.ok && pendingFault) {
      const f = pendingFault;
      pendingFault = undefined;
      return reply({ ok: false, errorType: f.errorType, errorMessage: f.errorMessage });
    }
    reply(outcome);
  };
  let mod: Record<string, unknown>;
  try {
    convention.beforeImport?.(req.entry);
    // the platform runtime's own code first (Lambda's Init Duration includes the runtime's start)
    for (const m of req.runtimeModules ?? []) {
      if (m.endsWith('.node')) createRequire(m)(m);
      else await import(pathToFileURL(m).href);
    }
    const loader = req.loader ?? 'import';
    if (loader === 'import') {
      // globals the platform's function does not have (Workers without nodejs_compat: `process`, so
      // libraries that detect Node by it, TF.js, take their web path, as they do on workerd)
      for (const name of req.hideGlobals ?? []) delete (globalThis as Record<string, unknown>)[name];
      mod = (await import(pathToFileURL(req.entry).href)) as Record<string, unknown>;
    } else {
      // as the platform's runtime loads it: require() for CommonJS, import() for ES modules
      mod = await loadByType(req.entry);
    }
    // the RIC does not await promises the module exports (INIT ends when the module has loaded)
    if (loader !== 'ric') await settleExports(mod);
  } catch (err) {
    done({ ok: false, ...describeError(err, 'Runtime.ImportModuleError') });
    return;
  }
  try {
    invoker = convention.prepare(mod, req.exportName);
  } catch (err) {
    done({ ok: false, errorType: 'Runtime.HandlerNotFound', errorMessage: (err as Error).message });
    return;
  }
  const backend = typeof mod.backend === 'string' ? mod.backend : undefined;
  done({ ok: true, backend });
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

/** A body the platform refuses (request) or fails (response) for its size, as the platform reports it. */
function overLimit(kind: 'request' | 'response', bytes: number): { errorType: string; errorMessage: string; status?: number } | undefined {
  const p = config?.payload;
  if (!p) return undefined;
  const limit = kind === 'request' ? p.requestBytes : p.responseBytes;
  const refusal = kind === 'request' ? p.requestTooLarge : p.responseTooLarge;
  if (!refusal || bytes <= limit) return undefined;
  return { status: refusal.status, errorType: refusal.errorType, errorMessage: refusal.message.replace('{size}', String(bytes)).replace('{limit}', String(limit)) };
}

function byteSize(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

async function invoke(msg: Extract<HostRequest, { type: 'invoke' }>): Promise<void> {
  if (!config || !invoker) throw new Error('invoke before a successful init');
  const { id, sentAt } = msg;
  const event = msg.event ? msg.event.value : config.event;
  const requestId = `${process.pid.toString(16)}-${id.toString(16).padStart(8, '0')}-dlpack`;
  const phase = begin(sentAt);
  const settle = track((f) => void send({ type: 'invoke-done', id, ok: false, errorType: f.errorType, errorMessage: f.errorMessage, ...finish(phase) }));
  // the platform measures the request before the function runs: the event as JSON, an HTTP body as sent
  const refused = overLimit('request', byteSize(msg.http ? msg.http.body : bodyOf(event)));
  if (refused) {
    if (settle()) void send({ type: 'invoke-done', id, ok: false, ...refused, ...finish(phase) });
    return;
  }
  try {
    const out = await invoker(event, {
      requestId,
      functionName: config.functionName,
      memoryMb: config.memoryMb,
      timeoutMs: config.timeoutMs,
      // The platform's clock started when the event was delivered (getRemainingTimeInMillis).
      startedAt: performance.now() - phase.queuedMs,
      http: msg.http,
    });
    if (!settle()) return;
    const s = finish(phase);
    if (pendingFault) {
      const f = pendingFault;
      pendingFault = undefined;
      void send({ type: 'invoke-done', id, ok: false, errorType: f.errorType, errorMessage: f.errorMessage, ...s });
      return;
    }
    const bytes = byteSize(out.body);
    const full = msg.wantRaw
      ? { raw: typeof out.body === 'string' ? new Uint8Array(Buffer.from(out.body)) : out.body, headers: out.headers }
      : msg.wantBody && bytes <= 1_000_000 ? { body: Buffer.from(out.body).toString('utf8'), headers: out.headers } : {};
    const tooLarge = overLimit('response', bytes);
    if (tooLarge) {
      void send({ type: 'invoke-done', id, ok: false, ...tooLarge, ...s });
      return;
    }
    const text = typeof out.body === 'string' ? out.body : Buffer.from(out.body.subarray(0, 300)).toString('utf8');
    void send({ type: 'invoke-done', id, ok: true, status: out.status, bodyBytes: bytes, preview: text.slice(0, 300), backend: backendOf(out.body, bytes), ...full, ...s });
  } catch (err) {
    if (!settle()) return;
    const s = finish(phase);
    void send({ type: 'invoke-done', id, ok: false, ...describeError(err, 'Error'), ...s });
  }
}

process.on('message', (msg: HostRequest) => {
  if (msg.type === 'init') void init(msg);
  else if (msg.type === 'invoke') void invoke(msg);
  else if (msg.type === 'gc') {
    // Twice: the first call may only finish an incremental marking cycle already under way.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const mem = process.memoryUsage();
    // The forced GC is ours, not the next invocation's.
    markIdle();
    void send({ type: 'gc-heap', heapBytes: mem.heapUsed + mem.external });
  }
});
// The parent going away ends the instance (no orphans).
process.on('disconnect', () => process.exit(0));
markIdle();
const startCpu = process.cpuUsage();
void send({ type: 'ready', rssBytes: process.memoryUsage.rss(), cpuMs: (startCpu.user + startCpu.system) / 1000 });
