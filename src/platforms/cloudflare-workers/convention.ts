/**
 * Cloudflare Workers module syntax: `export default { fetch(request, env, ctx) }` with Web
 * Request/Response. The response body is read to the end inside the timed invocation.
 */
import { httpRequestOf, nameAndMessage, safeString, type Convention } from '../shared/convention.js';

export const convention: Convention = {
  // workerd logs an unhandled rejection as "Uncaught (in promise) <reason>" and an exception from
  // a callback as "Uncaught <error>" in the request's logs; the isolate lives on (no exit).
  faults: {
    unhandledRejection: (reason) => ({ errorType: 'Uncaught (in promise)', errorMessage: safeString(reason) }),
    uncaughtException: (error) => {
      const { name, message } = nameAndMessage(error);
      return { errorType: 'Uncaught', errorMessage: `${name}: ${message}` };
    },
  },
  prepare(mod, exportName) {
    const holder = (exportName ? mod[exportName] : mod.default) as { fetch?: unknown } | undefined;
    const fetchFn = holder?.fetch;
    if (typeof fetchFn !== 'function') {
      throw new Error(`the handler module does not export default { fetch(request, env, ctx) } (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`);
    }
    const env = {};
    return async (event, ctx) => {
      const waitUntil: Promise<unknown>[] = [];
      const executionContext = {
        waitUntil: (p: Promise<unknown>) => void waitUntil.push(p),
        passThroughOnException: () => undefined,
      };
      const http = httpRequestOf(event, ctx, { host: 'dlpack.local', 'cf-ray': ctx.requestId });
      const hasBody = http.method !== 'GET' && http.method !== 'HEAD';
      const request = new Request(new URL(http.url, `https://${http.headers.host ?? 'dlpack.local'}`), {
        method: http.method,
        body: hasBody ? (http.body as Uint8Array<ArrayBuffer>) : undefined,
        headers: withoutHopByHop(http.headers),
      });
      const response = (await fetchFn.call(holder, request, env, executionContext)) as Response;
      if (!(response instanceof Response)) throw new Error('fetch() did not return a Response');
      const body = new Uint8Array(await response.arrayBuffer());
      await Promise.allSettled(waitUntil);
      const headers: Record<string, string> = {};
      response.headers.forEach((v, k) => (headers[k] = v));
      return { status: response.status, body, headers };
    };
  },
};

/** Headers a Request may not carry itself (the runtime sets them from the body). */
function withoutHopByHop(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
  return out;
}
