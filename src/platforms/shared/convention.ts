/**
 * A calling convention: how a platform finds the function in the handler module and calls it.
 * `prepare` runs once after INIT; `invoke` runs per request and resolves when the platform would
 * consider the response complete.
 */
export interface InvokeOutcome {
  /** HTTP status for HTTP targets; undefined for Lambda direct invokes. */
  status?: number;
  /** The response body as the platform would send it. */
  body: string | Uint8Array;
  /** Response headers (lower-case names), where the platform has them. */
  headers?: Record<string, string>;
}

export interface InvokeContext {
  requestId: string;
  functionName: string;
  memoryMb: number;
  timeoutMs: number;
  startedAt: number;
  /** The HTTP request as a client sent it (`dlpack serve`); without it, HTTP targets get `POST /` with the event as a JSON body. */
  http?: HttpRequestData;
}

/** An HTTP request as it arrived at the platform's front door (`dlpack serve`). */
export interface HttpRequestData {
  method: string;
  /** Path and query string, e.g. `/predict?x=1`. */
  url: string;
  /** Lower-case names; repeated headers joined with ", " (set-cookie: the first). */
  headers: Record<string, string>;
  /** The body as received. */
  body: Uint8Array;
}

/**
 * The request an HTTP target receives: the client's request when there is one, else `POST /` with
 * the event as a JSON body and the platform's usual headers (`host` is filled in by the caller).
 */
export function httpRequestOf(event: unknown, ctx: InvokeContext, defaults: Record<string, string>): HttpRequestData {
  if (ctx.http) return ctx.http;
  const body = new TextEncoder().encode(bodyOf(event));
  return { method: 'POST', url: '/', headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength), ...defaults }, body };
}

export interface Convention {
  /** Finds the function to call; throws a plain Error naming what is missing. */
  prepare(mod: Record<string, unknown>, exportName?: string): Invoker;
  /** What the platform's runtime does with a fault no handler caught: its wording, and whether it then exits. */
  faults: FaultBehaviour;
  /** Runs in the runtime host before the handler module loads (Azure: serves @azure/functions its worker core API). */
  beforeImport?(entry: string): void;
}

/** A fault as the platform reports it: the error the invocation fails with, and the runtime's exit status (none: it lives on). */
export interface PlatformFault {
  errorType: string;
  errorMessage: string;
  exitCode?: number;
}

export interface FaultBehaviour {
  unhandledRejection(reason: unknown): PlatformFault;
  uncaughtException(error: unknown): PlatformFault;
}

/** `String(x)` that never throws (a hostile toString), cut to 1,000 characters. */
export function safeString(x: unknown): string {
  let s: string;
  try {
    s = String(x);
  } catch {
    s = Object.prototype.toString.call(x);
  }
  return s.length > 1000 ? `${s.slice(0, 1000)}… (${s.length - 1000} more characters)` : s;
}

/** An error's name and message (a non-Error: its type and string form). */
export function nameAndMessage(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: safeString(err.name || 'Error'), message: safeString(err.message) };
  return { name: typeof err, message: safeString(err) };
}

export type Invoker = (event: unknown, ctx: InvokeContext) => Promise<InvokeOutcome>;

/** The request body an HTTP target receives: the event serialized as JSON (a string stays as is). */
export function bodyOf(event: unknown): string {
  return typeof event === 'string' ? event : JSON.stringify(event ?? {});
}

export function findFunction(mod: Record<string, unknown>, names: string[], what: string): (...args: unknown[]) => unknown {
  for (const name of names) {
    const v = name === 'default' ? mod.default : mod[name];
    if (typeof v === 'function') return v as (...args: unknown[]) => unknown;
    // CommonJS modules imported from ESM: exports sit under `default`.
    const d = mod.default as Record<string, unknown> | undefined;
    if (name !== 'default' && d && typeof d === 'object' && typeof d[name] === 'function') return d[name] as (...args: unknown[]) => unknown;
  }
  const exported = Object.keys(mod).join(', ') || 'nothing';
  throw new Error(`the handler module does not export ${what} (it exports: ${exported})`);
}
