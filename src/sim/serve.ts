/**
 * `dlpack serve` as a function: a local HTTP endpoint that behaves like the platform's function URL
 * / HTTP trigger (the platform's `emulator.front`, src/platforms/<id>/front.ts), backed by one emulated instance (emulated-instance.ts: the memory
 * limit and CPU share of --memory, the platform's flags, environment, timeout and payload limits).
 * The instance starts cold on the first request and stays warm for the next ones; when it dies (out
 * of memory, a crash, a timeout) the next request starts a new one, as on the platform. Requests are
 * handled one at a time (one instance). `close()` stops listening, ends the instance and waits until
 * its processes are gone and its cgroups removed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlatformId } from '../core/platform-facts.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { platformModule, vcpuFor } from '../platforms/index.js';
import { hostScript } from './host-script.js';
import { findLocalHosts } from './local-hosts.js';
import { resolveModes } from './run-bench.js';
import { phaseMs, startEmulatedInstance, stopAndNote, type CpuMode, type MemoryLimitMode } from './emulated-instance.js';
import { genericFront, newRequestId, type HttpAnswer } from '../platforms/shared/http-front.js';
import { invocationReport, reportLine } from './report-line.js';
import { prepareFunction } from './invoke.js';
import type { HttpRequestData } from '../platforms/shared/convention.js';
import type { PhaseResult, RuntimeInstance } from './instance.js';

export interface ServeOptions {
  /** Bundle folder or zip from `dlpack bundle`, or a model (bundled on the fly for `platform`). */
  input: string;
  platform?: string;
  memoryMb?: number;
  /** Port on 127.0.0.1 (0: any free port). Default 0. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  timeoutMs?: number;
  cpu?: CpuMode | 'auto';
  memoryLimit?: MemoryLimitMode | 'auto';
  /** A line for the log (request lines, REPORT lines, notes). */
  log?: (line: string) => void;
  /** The handler's output as it arrives. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface ServeHandle {
  url: string;
  platform: PlatformId;
  memoryMb: number;
  vcpu: number;
  cpuMode: CpuMode;
  memoryLimitMode: MemoryLimitMode;
  /** What the endpoint plays: "function URL (payload format 2.0)", "HTTP trigger", … */
  front: string;
  /** Requests answered so far, and cold starts among them. */
  stats(): { requests: number; coldStarts: number };
  /** Stops listening, ends the instance; resolves when its processes and cgroups are gone. */
  close(): Promise<void>;
}

/** Bodies above this are refused before they reach the instance (every platform's limit is below it). */
const HARD_BODY_CAP = 64 * 1024 * 1024;

export async function serveBundle(opts: ServeOptions): Promise<ServeHandle> {
  const { cpuMode, memoryLimitMode } = resolveModes(opts.cpu, opts.memoryLimit);
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65535)) {
    throw new DlpackError('USAGE', `port ${opts.port} is not a TCP port (0–65535)`);
  }
  const setup = await prepareFunction(opts);
  const { profile, input, memoryMb } = setup;
  const log = opts.log ?? (() => undefined);
  const front = (platformModule(profile.id).emulator.front ?? genericFront);
  const vcpu = vcpuFor(profile, memoryMb);
  const script = await hostScript();
  const hosts = findLocalHosts();
  let instance: RuntimeInstance | undefined;
  let closing = false;
  let requests = 0;
  let coldStarts = 0;
  const wall = (r: PhaseResult) => phaseMs(r, cpuMode, vcpu);

  const retire = async (inst: RuntimeInstance) => {
    if (instance === inst) instance = undefined;
    const notes: string[] = [];
    await stopAndNote(inst, notes);
    for (const n of notes) log(`note: ${n}`);
  };

  /** One request through the instance (cold on the first, warm after), answered the platform's way. */
  const handle = async (req: HttpRequestData, requestId: string): Promise<HttpAnswer> => {
    const info = { requestId, functionName: setup.functionName, time: Date.now(), sourceIp: '127.0.0.1' };
    const call = front.toInvocation(req, info);
    let initMs: number | undefined;
    // an instance that died between requests (a fault after its answer) is replaced, as the platform does
    if (instance && !instance.alive) await retire(instance);
    let inst = instance;
    if (!inst) {
      inst = startEmulatedInstance({
        profile,
        memoryMb,
        cpuMode,
        memoryLimitMode,
        input,
        event: call.event,
        hostScript: script,
        hosts,
        timeoutMs: setup.timeoutMs,
        initTimeoutMs: profile.initTimeoutMs?.value ?? setup.timeoutMs,
        functionName: setup.functionName,
        onOutput: opts.onOutput,
      });
      instance = inst;
      coldStarts++;
      const init = await inst.init();
      initMs = wall(init);
      if (!init.ok) {
        await retire(inst);
        log(`ERROR INIT ${init.errorType}: ${init.errorMessage}`);
        log(reportLine(invocationReport(profile, memoryMb, init, 0, requestId, initMs, inst.isolateBaselineBytes)));
        return front.toAnswer(init, info, profile);
      }
    }
    const outcome = await inst.invoke({ event: call.event, http: call.http, wantRaw: true });
    if (!outcome.ok && !outcome.raw) log(`ERROR ${outcome.errorType}: ${outcome.errorMessage}`);
    log(reportLine(invocationReport(profile, memoryMb, outcome, wall(outcome), requestId, initMs, inst.isolateBaselineBytes)));
    // a dead instance is replaced on the next request (a cold start), as the platform does
    if (!inst.alive) await retire(inst);
    return front.toAnswer(outcome, info, profile);
  };

  // one request at a time: a single instance
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    const requestId = newRequestId();
    const started = performance.now();
    const job = queue.then(async () => {
      try {
        const body = await readBody(req);
        if (closing) return send(res, { status: 503, headers: { 'content-type': 'text/plain' }, body: new TextEncoder().encode('shutting down') });
        const answer =
          body === undefined
            ? { status: 413, headers: { 'content-type': 'text/plain' }, body: new TextEncoder().encode(`Request Entity Too Large (over ${HARD_BODY_CAP} bytes)`) }
            : await handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: flatHeaders(req), body }, requestId);
        requests++;
        send(res, answer);
        log(`${req.method} ${req.url} -> ${answer.status} (${(performance.now() - started).toFixed(0)} ms)`);
      } catch (err) {
        log(`ERROR dlpack: ${(err as Error).message}`);
        if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: new TextEncoder().encode('dlpack serve: internal error') });
      }
    });
    queue = job;
  });
  server.requestTimeout = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new DlpackError('USAGE', `port ${opts.port} is in use`, { hint: 'pick another with --port, or --port 0 for any free port' }) : err),
      );
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    input.cleanup();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostText}:${address.port}/`,
    platform: profile.id,
    memoryMb,
    vcpu: Math.round(vcpu * 1000) / 1000,
    cpuMode,
    memoryLimitMode,
    front: front.name,
    stats: () => ({ requests, coldStarts }),
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        if (instance) await retire(instance);
        await stopped;
        input.cleanup();
      })();
      return closed;
    },
  };
}

/** The body, or undefined when it is over the hard cap (the rest is drained). */
function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= HARD_BODY_CAP) chunks.push(c);
    });
    req.on('end', () => resolve(size > HARD_BODY_CAP ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Lower-case header names, repeated values joined with ", " as HTTP allows (cookies with "; "). */
function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(k === 'cookie' ? '; ' : ', ') : v;
  }
  return out;
}

function send(res: ServerResponse, a: HttpAnswer): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(a.headers)) {
    // framing is ours: the body is sent whole
    if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection') continue;
    headers[k] = v;
  }
  headers['content-length'] = String(a.body.byteLength);
  res.writeHead(a.status, headers);
  res.end(a.body);
}
