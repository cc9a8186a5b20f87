/**
 * `dlpack invoke` as a function: one cold start of a bundle in the emulator (the instance `bench`
 * runs: cgroup memory limit and CPU share, the platform's Node flags, environment and payload
 * limits), one invocation, and what the platform would hand back — Lambda's invoke payload (or its
 * error object), the HTTP response of the others (or the platform's error answer) — with the
 * handler's logs and the REPORT line.
 */
import type { PlatformId, PlatformProfile } from '../core/platform-facts.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { checkMemory, getPlatform, platformModule, vcpuFor } from '../platforms/index.js';
import { resolveBenchInput, type ResolvedInput } from './bench-input.js';
import { eventFromInputs, readEventFile, readEventStream } from './bench-event.js';
import { hostScript } from './host-script.js';
import { findLocalHosts } from './local-hosts.js';
import { resolveModes } from './run-bench.js';
import { phaseMs, startEmulatedInstance, stopAndNote, type CpuMode, type MemoryLimitMode } from './emulated-instance.js';
import { genericFront, newRequestId, type HttpAnswer } from '../platforms/shared/http-front.js';
import { invocationReport, type InvocationReport } from './report-line.js';
import type { PhaseResult } from './instance.js';

export interface InvokeOptions {
  /** Bundle folder or zip from `dlpack bundle`, or a model (bundled on the fly for `platform`). */
  input: string;
  /** The platform; a bundle's own target by default (a different one is an error). */
  platform?: string;
  /** Memory size in MB (default: the bundle's, else the platform's default). */
  memoryMb?: number;
  /** A JSON file with the event / request body ('-': read `stdin`). Default: generated from the model inputs. */
  eventFile?: string;
  /** The event itself (takes precedence over eventFile). */
  event?: unknown;
  /** What `eventFile: '-'` reads (default: process.stdin). */
  stdin?: AsyncIterable<Buffer | string>;
  /** Function timeout in ms (default: the platform's maximum). */
  timeoutMs?: number;
  cpu?: CpuMode | 'auto';
  memoryLimit?: MemoryLimitMode | 'auto';
  /** The handler's output as it arrives. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** What the platform hands back: Lambda's invoke response, or an HTTP response. */
export type InvokeResponse =
  | { kind: 'lambda'; payload: string; functionError?: 'Unhandled' }
  | { kind: 'http'; status: number; headers: Record<string, string | string[]>; body: string; bodyEncoding: 'utf8' | 'base64' };

export interface InvokeResult {
  schema: 'dlpack.invoke/1';
  input: string;
  platform: PlatformId;
  memoryMb: number;
  vcpu: number;
  cpuMode: CpuMode;
  memoryLimitMode: MemoryLimitMode;
  /** The event (Lambda) or request body (HTTP targets) sent. */
  event: unknown;
  response: InvokeResponse;
  /** The platform's error, when the invocation failed (function error, timeout, out of memory, payload limit). */
  error?: { errorType: string; errorMessage: string; kind?: string };
  /** Everything the handler printed (stdout and stderr, in order). */
  logs: string;
  report: InvocationReport;
  backend?: string;
  notes?: string[];
}

/** One cold start and one invocation. */
export async function invokeBundle(opts: InvokeOptions): Promise<InvokeResult> {
  const { cpuMode, memoryLimitMode } = resolveModes(opts.cpu, opts.memoryLimit);
  // a bad event fails before anything is bundled or started
  const explicit = await explicitEvent(opts);
  const setup = await prepareFunction(opts);
  const { profile, input, memoryMb } = setup;
  try {
    const event = explicit !== undefined ? explicit.value : input.inputs?.length ? eventFromInputs(input.inputs) : {};
    let logs = '';
    const inst = startEmulatedInstance({
      profile,
      memoryMb,
      cpuMode,
      memoryLimitMode,
      input,
      event,
      hostScript: await hostScript(),
      hosts: findLocalHosts(),
      timeoutMs: setup.timeoutMs,
      initTimeoutMs: profile.initTimeoutMs?.value ?? setup.timeoutMs,
      functionName: setup.functionName,
      onOutput: (text, stream) => {
        logs += text;
        opts.onOutput?.(text, stream);
      },
    });
    const vcpu = vcpuFor(profile, memoryMb);
    const wall = (r: PhaseResult) => phaseMs(r, cpuMode, vcpu);
    const requestId = newRequestId();
    let outcome: PhaseResult;
    let initMs: number;
    let invoked = false;
    const notes: string[] = [];
    try {
      const init = await inst.init();
      initMs = wall(init);
      invoked = init.ok;
      outcome = init.ok ? await inst.invoke({ wantRaw: true }) : init;
    } finally {
      await stopAndNote(inst, notes);
    }
    // INIT failed: nothing was invoked (Lambda's REPORT then has the INIT only)
    const report = invocationReport(profile, memoryMb, outcome, invoked ? wall(outcome) : 0, requestId, initMs, inst.isolateBaselineBytes);
    const failed = !outcome.raw;
    return {
      schema: 'dlpack.invoke/1',
      input: opts.input,
      platform: profile.id,
      memoryMb,
      vcpu: Math.round(vcpu * 1000) / 1000,
      cpuMode,
      memoryLimitMode,
      event,
      response: shapeResponse(profile, outcome, requestId, setup.functionName),
      error: failed ? { errorType: outcome.errorType ?? 'Unknown', errorMessage: outcome.errorMessage ?? '', kind: outcome.kind } : undefined,
      logs,
      report,
      backend: outcome.backend ?? input.runtime,
      notes: notes.length ? notes : undefined,
    };
  } finally {
    input.cleanup();
  }
}

/** The event given, from a file or standard input; undefined: generate one from the model's inputs. */
async function explicitEvent(opts: InvokeOptions): Promise<{ value: unknown } | undefined> {
  if (opts.event !== undefined) return { value: opts.event };
  if (opts.eventFile === '-') return { value: await readEventStream(opts.stdin ?? process.stdin) };
  if (opts.eventFile) return { value: await readEventFile(opts.eventFile) };
  return undefined;
}

export interface PreparedFunction {
  profile: PlatformProfile;
  input: ResolvedInput;
  memoryMb: number;
  timeoutMs: number;
  functionName: string;
}

/** The bundle (or a model, bundled for the platform), its platform, memory size and timeout, checked. */
export async function prepareFunction(opts: { input: string; platform?: string; memoryMb?: number; timeoutMs?: number }): Promise<PreparedFunction> {
  const asked = opts.platform ? getPlatform(opts.platform) : undefined;
  const input = await resolveBenchInput(opts.input, { target: asked?.id, arch: 'x64' });
  try {
    if (asked && input.kind === 'bundle' && input.target !== asked.id) {
      throw new DlpackError('USAGE', `this bundle was built for ${input.target}, not ${asked.id}`, { file: opts.input, hint: 'bundle again for that target, or leave out --platform' });
    }
    const profile = getPlatform(input.target!);
    const memoryMb = opts.memoryMb ?? input.memoryMb ?? profile.memory.defaultMb.value;
    checkMemory(profile, memoryMb);
    if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0 && opts.timeoutMs <= profile.timeoutMs.value)) {
      throw new DlpackError('USAGE', `a timeout of ${opts.timeoutMs} ms is not within ${profile.name}'s limit of ${profile.timeoutMs.value} ms`);
    }
    return { profile, input, memoryMb, timeoutMs: opts.timeoutMs ?? profile.timeoutMs.value, functionName: 'dlpack-local' };
  } catch (err) {
    input.cleanup();
    throw err;
  }
}

/** The platform's answer: Lambda's invoke response (a direct invocation), the HTTP answer elsewhere. */
function shapeResponse(profile: PlatformProfile, r: PhaseResult, requestId: string, functionName: string): InvokeResponse {
  const front = (platformModule(profile.id).emulator.front ?? genericFront);
  const direct = front.directInvoke?.(r, requestId);
  if (direct) return { kind: 'lambda', ...direct };
  return httpResponse(front.toAnswer(r, { requestId, functionName, time: Date.now(), sourceIp: '127.0.0.1' }, profile));
}

export function httpResponse(a: HttpAnswer): InvokeResponse {
  const utf8 = isUtf8(a.body);
  return { kind: 'http', status: a.status, headers: a.headers, body: Buffer.from(a.body).toString(utf8 ? 'utf8' : 'base64'), bodyEncoding: utf8 ? 'utf8' : 'base64' };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
