/**
 * A platform's HTTP front door, as `dlpack serve` (and `invoke`) plays it: what the function
 * receives for a client's request, and what the client gets back — the function's answer, or the
 * platform's own error answer when the function failed (an exception, a crash, a timeout, out of
 * memory, a body over the payload limit). Each platform states its own in `<id>/front.ts` (the
 * platform module's `emulator.front`), each answer with its source; this file holds the shape and
 * the helpers. Runs in dlpack's process (src/sim/serve.ts, invoke.ts), not in the runtime host.
 */
import { randomUUID } from 'node:crypto';
import type { PlatformProfile } from '../../core/platform-facts.js';
import type { HttpRequestData } from './convention.js';

export interface HttpAnswer {
  status: number;
  /** Lower-case names; `set-cookie` may repeat. */
  headers: Record<string, string | string[]>;
  body: Uint8Array;
}

export interface RequestInfo {
  requestId: string;
  functionName: string;
  /** When the request arrived (epoch ms). */
  time: number;
  sourceIp: string;
}

/**
 * What the fronts read of an invocation's outcome (src/sim/instance.ts PhaseResult has these
 * fields): the function's raw answer, or why it failed in the emulator's words.
 */
export interface FrontOutcome {
  kind?: 'oom' | 'timeout' | 'error' | 'crash';
  errorType?: string;
  errorMessage?: string;
  /** HTTP status (the function's, or a payload refusal's). */
  status?: number;
  headers?: Record<string, string>;
  /** The function's answer as bytes (asked for with wantRaw). */
  raw?: Uint8Array;
}

/** Why a function failed. */
export type Failure = Pick<FrontOutcome, 'kind' | 'errorType' | 'errorMessage' | 'status'>;

export interface HttpFront {
  /** What the local endpoint plays, in the platform's words. */
  name: string;
  /** What the function is invoked with: an event (Lambda) or the request itself (`http`). */
  toInvocation(req: HttpRequestData, info: RequestInfo): { event: unknown; http?: HttpRequestData };
  /** The client's answer for an invocation's outcome. */
  toAnswer(r: FrontOutcome, info: RequestInfo, profile: PlatformProfile): HttpAnswer;
  /** Platforms that are also invoked directly (Lambda's Invoke API): the response payload for an outcome. */
  directInvoke?(r: FrontOutcome, requestId: string): { payload: string; functionError?: 'Unhandled' };
}

export const text = (s: string) => new TextEncoder().encode(s);

export function answer(status: number, body: string, contentType = 'text/plain; charset=utf-8', more: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': contentType, ...more }, body: text(body) };
}

/** A body the platform refused for its size: the runtime host reports it with the platform's status and error. */
export function refusal(r: FrontOutcome): HttpAnswer | undefined {
  if (r.raw || r.status === undefined || r.status < 400) return undefined;
  return answer(r.status, JSON.stringify({ errorType: r.errorType, errorMessage: r.errorMessage }), 'application/json');
}

/** The function's own answer (HTTP targets): status, headers and body as it sent them. */
function functionAnswer(r: FrontOutcome): HttpAnswer | undefined {
  if (!r.raw) return undefined;
  return { status: r.status ?? 200, headers: { ...(r.headers ?? {}) }, body: r.raw };
}

/** HTTP targets receive the request itself; the answer is the function's, or `failed(r)`. */
export function httpFront(name: string, failed: (r: Failure, info: RequestInfo) => HttpAnswer): HttpFront {
  return {
    name,
    toInvocation: (req) => ({ event: new TextDecoder().decode(req.body), http: req }),
    toAnswer: (r, info) => functionAnswer(r) ?? refusal(r) ?? failed(r, info),
  };
}

/** A platform that states no front of its own: the function's answer, else a plain 500 (or 504 on a timeout). */
export const genericFront: HttpFront = httpFront('HTTP function', (r) => (r.kind === 'timeout' ? answer(504, 'Gateway Timeout') : answer(500, 'Internal Server Error')));

/** A request id in the platform's usual form (a UUID). */
export function newRequestId(): string {
  return randomUUID();
}
