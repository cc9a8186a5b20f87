/**
 * A bundle running in its platform's own local runtime (local-hosts.ts), launched by the platform's
 * recipe (src/platforms/<id>/local-host.ts: the real Runtime Interface Client polling dlpack's Lambda
 * Runtime API, the Functions Framework, the server `vercel dev` forks, `wrangler dev`, or workerd on
 * a config written from the bundle's manifest). The host is spawned in the bundle's folder
 * with the platform's environment and Node flags, placed in its cgroup before it starts (the `sh`
 * wrapper of instance.ts), and every process it leaves is killed at stop().
 *
 * Node hosts are started with a one-line `--import` that writes the monotonic clock to fd 3 when
 * Node is up, so start-up splits into boot (spawn → Node ready) and INIT (→ the runtime asks for its
 * first event, or its server listens). A host without that hook (workerd) names an empty function
 * (`bootProbe`) whose measured start-up is its boot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { PlatformProfile } from '../core/platform-facts.js';
import type { HostLaunch, LocalHostRecipe } from '../platforms/shared/local-host.js';
import type { InstanceCgroup } from './cgroup.js';
import { INSTANCE_MARKER_ENV, killInstance } from './instance-processes.js';
import { PLACE_AND_EXEC } from './instance.js';
import { track, untrack } from './instance-registry.js';
import { LambdaRuntimeApi, type InvocationOutcome } from './lambda-runtime-api.js';
import { localHostOf, nodeFor, type LocalHosts } from './local-hosts.js';
import { monotonicMs } from './protocol.js';

export interface RealHostOptions {
  profile: PlatformProfile;
  /** The unpacked bundle folder (manifest.json inside). */
  dir: string;
  entry: string;
  /** The modules beside the entry (manifest.modules: Workers). */
  modules?: string[];
  memoryMb: number;
  hosts: LocalHosts;
  nodeFlags: string[];
  env: Record<string, string>;
  functionName: string;
  cgroup?: InstanceCgroup;
  /** Which of the platform's hosts, when it has several (Workers: `wrangler` runs `wrangler dev`; default workerd). */
  variant?: string;
  startTimeoutMs: number;
  /** The function timeout (Lambda's deadline header). */
  timeoutMs: number;
  /** Called when Node reports it is up (its fd-3 stamp), with the host's pid: counters start here. */
  onUp?: (pid: number) => void;
}

/** One request: an HTTP request for HTTP hosts, an event for Lambda. */
export interface RealRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Lambda: the event (defaults to the body parsed as JSON). */
  event?: unknown;
}

export interface RealAnswer {
  /** HTTP status; Lambda: the result's statusCode, 200 for other results, undefined for a function error. */
  status?: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Lambda function errors: the type and message the runtime posted. */
  errorType?: string;
  errorMessage?: string;
  /** Wall time from sending the request (delivering the event) to the complete answer, ms. */
  ms: number;
}

export interface RealStart {
  ok: boolean;
  /** Spawn → Node up (a host without a stamp: its bootProbe's start-up), ms. */
  bootMs: number;
  /** Node up → the runtime ready for its first event, ms. */
  initMs: number;
  errorType?: string;
  errorMessage?: string;
}

/** `--import` data URL: writes "ready <monotonic ms>" to fd 3 as soon as Node runs user code. */
const STAMP =
  'data:text/javascript,' +
  encodeURIComponent("import{writeSync,closeSync}from'node:fs';try{writeSync(3,'ready '+Number(process.hrtime.bigint())/1e6+'\\n');closeSync(3)}catch{}");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export class RealHost {
  private child!: ChildProcess;
  private api?: LambdaRuntimeApi;
  private port = 0;
  private readonly marker = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private exited?: { code: number | null; signal: NodeJS.Signals | null };
  private exitWaiters: (() => void)[] = [];
  private readonly disposable = { killNow: () => this.kill() };
  /** What the host printed (stdout and stderr), the last 16 kB. */
  output = '';
  readonly leftovers: string[] = [];
  private spawnedAt = 0;
  private readyAt?: number;

  private constructor(private readonly opts: RealHostOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return !!this.child && !this.exited;
  }

  static async start(opts: RealHostOptions): Promise<{ host: RealHost; start: RealStart }> {
    const host = new RealHost(opts);
    const start = await host.launch();
    return { host, start };
  }

  private async launch(): Promise<RealStart> {
    const o = this.opts;
    if (this.recipe().boot === 'runtime-api') {
      const tooLarge = o.profile.payload.responseTooLarge?.value;
      this.api = await LambdaRuntimeApi.start({
        functionName: o.functionName,
        responseLimitBytes: o.profile.payload.responseBytes.value,
        responseTooLarge: tooLarge ?? { errorType: 'Function.ResponseSizeTooLarge', message: 'Response payload size ({size} bytes) exceeded maximum allowed payload size ({limit} bytes).' },
      });
    } else this.port = await freePort();
    const launch = this.command();
    const procs = o.cgroup?.procsFiles ?? [];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      ...o.env,
      ...launch.env,
      [INSTANCE_MARKER_ENV]: this.marker,
    };
    this.spawnedAt = monotonicMs();
    this.child = spawn('/bin/sh', ['-c', PLACE_AND_EXEC, 'sh', String(procs.length), ...procs, launch.command, ...launch.args], {
      cwd: o.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    track(this.disposable);
    let stamp: number | undefined;
    this.child.stdio[3]?.on('data', (d: Buffer) => {
      const m = d.toString('latin1').match(/ready ([\d.]+)/);
      if (m && stamp === undefined) {
        stamp = Number(m[1]);
        if (this.child.pid) o.onUp?.(this.child.pid);
      }
    });
    let lineSeen: number | undefined;
    const onOutput = (d: Buffer) => {
      this.output = (this.output + d.toString('utf8')).slice(-16_384);
      if (lineSeen === undefined && launch.readyLine?.test(this.output)) lineSeen = monotonicMs();
    };
    this.child.stdout?.on('data', onOutput);
    this.child.stderr?.on('data', onOutput);
    this.child.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.leftovers.push(...killInstance({ hostPid: this.child.pid ?? -1, marker: this.marker, procsFiles: procs, hostAlive: false }));
      this.exited = { code, signal };
      for (const w of this.exitWaiters.splice(0)) w();
      untrack(this.disposable);
    });
    const failed = (errorType: string, errorMessage: string): RealStart => ({ ok: false, bootMs: 0, initMs: monotonicMs() - this.spawnedAt, errorType, errorMessage });
    const deadline = Date.now() + o.startTimeoutMs;
    let readyAt: number | undefined;
    if (this.api) {
      const outcome = await Promise.race([this.api.initDone(), this.waitExit(o.startTimeoutMs).then(() => undefined)]);
      if (!outcome) return failed(this.exited ? 'Runtime.ExitError' : 'Runtime.InitTimeout', this.exitReason());
      if (outcome.kind === 'init-error') return failed(outcome.errorType, outcome.errorMessage);
      readyAt = outcome.at;
    } else {
      while (Date.now() < deadline && !this.exited) {
        if (launch.readyLine ? lineSeen !== undefined : await this.accepts()) {
          readyAt = lineSeen ?? monotonicMs();
          break;
        }
        await new Promise((r) => setTimeout(r, launch.readyLine ? 10 : 5));
      }
      if (readyAt === undefined) return failed(this.exited ? 'Runtime.ExitError' : 'Runtime.InitTimeout', this.exitReason());
    }
    this.readyAt = readyAt;
    if (launch.calibrateBoot) {
      // no hook to stamp (workerd): the host's own start (an empty function's, measured) is its boot
      const boot = Math.min(await hostBootMs(o.profile, o.hosts), readyAt - this.spawnedAt);
      return { ok: true, bootMs: boot, initMs: readyAt - this.spawnedAt - boot };
    }
    const up = launch.stamped && stamp !== undefined ? stamp : this.spawnedAt;
    return { ok: true, bootMs: up - this.spawnedAt, initMs: readyAt - up };
  }

  private exitReason(): string {
    const last = this.output.trim().split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 600);
    if (this.exited) return `the host exited (${this.exited.signal ?? `status ${this.exited.code}`})${last ? `: ${last}` : ''}`;
    return `the host was not ready within ${this.opts.startTimeoutMs} ms${last ? `: ${last}` : ''}`;
  }

  /** A TCP connection succeeds (no request is sent: every path reaches the function). */
  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  private recipe(): Extract<LocalHostRecipe, { kind: 'npm' }> {
    const recipe = localHostOf(this.opts.profile.id);
    if (recipe.kind !== 'npm') throw new Error(`${this.opts.profile.name} has no local host installable from npm: it stays emulated`);
    return recipe;
  }

  private command(): HostLaunch {
    const o = this.opts;
    return this.recipe().launch({
      hosts: o.hosts,
      dir: o.dir,
      entry: o.entry,
      modules: o.modules ?? [],
      port: this.port,
      runtimeApi: this.api?.address,
      node: nodeFor(o.hosts, o.profile.runtime.node.value).path,
      nodeArgs: (script, ...rest) => [...o.nodeFlags, '--import', STAMP, script, ...rest],
      scratch: () => this.scratch(),
      variant: o.variant,
    });
  }

  private scratchDir?: string;

  /** A temp folder of this host's own (workerd's config, wrangler's settings), removed at stop(). */
  private scratch(): string {
    this.scratchDir ??= mkdtempSync(join(tmpdir(), 'dlpack-host-'));
    return this.scratchDir;
  }

  /** Sends one request and waits for the complete answer. */
  async send(req: RealRequest): Promise<RealAnswer> {
    if (this.api) {
      const event = req.event !== undefined ? req.event : JSON.parse(Buffer.from(req.body ?? '').toString('utf8') || 'null');
      const outcome = await Promise.race([this.api.invoke({ event, timeoutMs: this.opts.timeoutMs }), this.waitExit(this.opts.timeoutMs + 1000).then(() => undefined)]);
      if (!outcome) throw new Error(this.exitReason());
      return lambdaAnswer(outcome);
    }
    const t0 = monotonicMs();
    const res = await fetch(`http://127.0.0.1:${this.port}/`, {
      method: req.method ?? 'POST',
      headers: req.headers ?? { 'content-type': 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : (req.body as BodyInit | undefined),
      signal: AbortSignal.timeout(this.opts.timeoutMs + 1000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { status: res.status, headers, body, ms: monotonicMs() - t0 };
  }

  private waitExit(timeoutMs: number): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private kill(): void {
    if (!this.child?.pid) return;
    this.leftovers.push(...killInstance({ hostPid: this.child.pid, marker: this.marker, procsFiles: this.opts.cgroup?.procsFiles ?? [], hostAlive: !this.exited }));
  }

  /** Stops the host and everything it started, closes the Runtime API, removes the cgroup. */
  async stop(): Promise<void> {
    if (this.child && !this.exited) this.kill();
    await this.waitExit(5000);
    await this.api?.close();
    this.opts.cgroup?.remove();
    if (this.scratchDir) rmSync(this.scratchDir, { recursive: true, force: true });
    untrack(this.disposable);
  }

  /** Host ready, on the monotonic clock (undefined before). */
  get readyTime(): number | undefined {
    return this.readyAt;
  }
}

const bootOf = new Map<string, Promise<number>>();

/**
 * The start-up of a host without a Node stamp (workerd), the counterpart of Node's boot in the
 * emulator: the median of three starts of its recipe's empty function (spawn → listening), measured
 * once per platform and process.
 */
export function hostBootMs(profile: PlatformProfile, hosts: LocalHosts): Promise<number> {
  let boot = bootOf.get(profile.id);
  if (boot) return boot;
  boot = (async () => {
    const recipe = localHostOf(profile.id);
    const probe = recipe.kind === 'npm' ? recipe.bootProbe : undefined;
    if (!probe) return 0;
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-host-boot-'));
    try {
      for (const [name, text] of Object.entries(probe.files)) writeFileSync(join(dir, name), text);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { host, start } = await RealHost.start({ profile, dir, entry: probe.entry, modules: [], memoryMb: 128, hosts, nodeFlags: [], env: {}, functionName: 'boot', variant: probe.variant, startTimeoutMs: 10_000, timeoutMs: 1000 });
        if (start.ok) times.push(start.initMs);
        await host.stop();
      }
      times.sort((a, b) => a - b);
      return times.length ? times[Math.floor(times.length / 2)] : 0;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  bootOf.set(profile.id, boot);
  return boot;
}

function lambdaAnswer(o: InvocationOutcome): RealAnswer {
  const ms = o.at - o.deliveredAt;
  if (o.kind === 'error') return { headers: {}, body: o.body, errorType: o.errorType, errorMessage: o.errorMessage, ms };
  let status = 200;
  try {
    const v = JSON.parse(o.body.toString('utf8')) as { statusCode?: unknown };
    if (v && typeof v === 'object' && typeof v.statusCode === 'number') status = v.statusCode;
  } catch {
    /* not JSON: a plain result */
  }
  return { status, headers: {}, body: o.body, ms };
}
