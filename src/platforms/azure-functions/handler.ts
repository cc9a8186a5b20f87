/**
 * Azure Functions, Node.js v4 programming model: an HTTP trigger registered with
 * `app.http('predict', …)` (@azure/functions is bundled in; outside the Azure host it runs in its
 * test mode). `handler(request, context)` is exported too, so the function can be called without
 * the host: it takes anything with `text()` (an HttpRequest or a fetch Request).
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { predict, preload, config, ENCODING_HEADER } from 'dlpack:handler';

/** The model load started at module scope (INIT); resolves when it is done (never rejects). */
export const ready = preload();

export async function handler(request: HttpRequest | Request, _context?: InvocationContext): Promise<HttpResponseInit> {
  const declared = Number(request.headers.get('content-length'));
  const result =
    declared > config.maxRequestBytes
      ? { status: 413, body: { error: `request body is ${declared} bytes; the limit is ${config.maxRequestBytes}` } }
      : await predict(new Uint8Array(await request.arrayBuffer()), request.headers.get(ENCODING_HEADER));
  return { status: result.status, jsonBody: result.body, headers: { 'content-type': 'application/json' } };
}

app.http('predict', { methods: ['POST'], authLevel: 'function', handler });

export { config as dlpackConfig };
