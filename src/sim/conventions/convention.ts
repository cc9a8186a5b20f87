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
}

export interface InvokeContext {
  requestId: string;
  functionName: string;
  memoryMb: number;
  timeoutMs: number;
  startedAt: number;
}

export interface Convention {
  /** Finds the function to call; throws a plain Error naming what is missing. */
  prepare(mod: Record<string, unknown>, exportName?: string): Invoker;
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
