/**
 * Each platform's HTTP front door, as `dlpack serve` (and `invoke` on HTTP targets) plays it: what
 * the function receives for a client's request, and what the client gets back — the function's
 * answer, or the platform's own error answer when the function failed (an exception, a crash, a
 * timeout, out of memory, a body over the payload limit). One record per platform (no branches on a
 * platform id); each answer names its source.
 *
 * AWS Lambda: a function URL (payload format 2.0): the request becomes the event below, the result
 * becomes the response (a `statusCode` object as given, any other JSON value a 200 JSON body).
 * The others call the function with the HTTP request itself (src/platforms/<id>/convention.ts).
 */
import { randomUUID } from 'node:crypto';
import type { PlatformId, PlatformProfile } from '../core/platform-facts.js';
import type { HttpRequestData } from '../platforms/shared/convention.js';
import type { PhaseResult } from './instance.js';

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

/** Why a function failed, in the emulator's words (instance.ts PhaseResult). */
type Failure = Pick<PhaseResult, 'kind' | 'errorType' | 'errorMessage' | 'status'>;

export interface HttpFront {
  /** What the local endpoint plays, in the platform's words. */
  name: string;
  /** What the function is invoked with: an event (Lambda) or the request itself (`http`). */
  toInvocation(req: HttpRequestData, info: RequestInfo): { event: unknown; http?: HttpRequestData };
  /** The client's answer for an invocation's outcome. */
  toAnswer(r: PhaseResult, info: RequestInfo, profile: PlatformProfile): HttpAnswer;
  /** Platforms that are also invoked directly (Lambda's Invoke API): the response payload for an outcome. */
  directInvoke?(r: PhaseResult, requestId: string): { payload: string; functionError?: 'Unhandled' };
}

const text = (s: string) => new TextEncoder().encode(s);

function answer(status: number, body: string, contentType = 'text/plain; charset=utf-8', more: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': contentType, ...more }, body: text(body) };
}

/** A body the platform refused for its size: the runtime host reports it with the platform's status and error. */
function refusal(r: PhaseResult): HttpAnswer | undefined {
  if (r.raw || r.status === undefined || r.status < 400) return undefined;
  return answer(r.status, JSON.stringify({ errorType: r.errorType, errorMessage: r.errorMessage }), 'application/json');
}

/** The function's own answer (HTTP targets): status, headers and body as it sent them. */
function functionAnswer(r: PhaseResult): HttpAnswer | undefined {
  if (!r.raw) return undefined;
  return { status: r.status ?? 200, headers: { ...(r.headers ?? {}) }, body: r.raw };
}

// ------------------------------------------------------------------------------------- AWS Lambda

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/**
 * The function URL event, payload format 2.0
 * (docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads): cookies split out of
 * the headers, repeated query parameters joined with commas, a body that is not text base64-encoded.
 */
export function functionUrlEvent(req: HttpRequestData, info: RequestInfo): Record<string, unknown> {
  const url = new URL(req.url, 'http://localhost');
  const headers = { ...req.headers };
  const cookies = headers.cookie ? headers.cookie.split(/;\s*/).filter(Boolean) : undefined;
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const urlId = 'dlpacklocal0000000000000000000000';
  const hasBody = req.body.byteLength > 0;
  const asText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const date = new Date(info.time);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: urlId,
      domainName: `${urlId}.lambda-url.us-east-1.on.aws`,
      domainPrefix: urlId,
      http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: info.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: info.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(date),
      timeEpoch: info.time,
    },
    ...(hasBody ? { body: asText ? new TextDecoder().decode(req.body) : Buffer.from(req.body).toString('base64') } : {}),
    isBase64Encoded: hasBody && !asText,
  };
}

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
function clfTime(d: Date): string {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * The function URL's response (urls-invocation.html "Response payload format"): an object with a
 * `statusCode` gives status, headers, cookies and body (base64-decoded when `isBase64Encoded`);
 * any other valid JSON is a 200 with content-type application/json and that JSON as the body.
 */
export function functionUrlResponse(resultJson: string): HttpAnswer {
  let result: unknown;
  try {
    result = JSON.parse(resultJson);
  } catch {
    return answer(502, 'Internal Server Error');
  }
  const r = result as { statusCode?: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.statusCode !== 'number') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: text(resultJson) };
  }
  const headers: Record<string, string | string[]> = {};
  if (r.headers && typeof r.headers === 'object') for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  if (Array.isArray(r.cookies) && r.cookies.length) headers['set-cookie'] = r.cookies.map(String);
  const body = typeof r.body === 'string' ? r.body : r.body === undefined || r.body === null ? '' : JSON.stringify(r.body);
  return { status: r.statusCode, headers, body: r.isBase64Encoded === true ? new Uint8Array(Buffer.from(body, 'base64')) : text(body) };
}

/**
 * Lambda's Invoke API response: the result as JSON, or, for a function error, the error object
 * with `X-Amz-Function-Error: Unhandled`; a runtime exit or timeout is reported with the request id
 * in the message (docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, nodejs-exceptions.html).
 */
function lambdaInvokeResponse(r: PhaseResult, requestId: string): { payload: string; functionError?: 'Unhandled' } {
  if (r.raw) return { payload: Buffer.from(r.raw).toString('utf8') };
  const msg = r.errorMessage ?? '';
  const errorMessage = r.kind === 'oom' || r.kind === 'crash' || r.kind === 'timeout' ? `RequestId: ${requestId} Error: ${msg}` : msg;
  return { payload: JSON.stringify({ errorType: r.errorType ?? 'Unknown', errorMessage, trace: [] }), functionError: 'Unhandled' };
}

const lambdaUrl: HttpFront = {
  name: 'Lambda function URL (payload format 2.0)',
  directInvoke: lambdaInvokeResponse,
  toInvocation: (req, info) => ({ event: functionUrlEvent(req, info) }),
  toAnswer(r, _info) {
    if (r.raw) return functionUrlResponse(Buffer.from(r.raw).toString('utf8'));
    // A function error, timeout, crash or oversized response: 502 with this body
    // (verify: function URLs answer function errors 502 "Internal Server Error", seen in AWS
    // re:Post answers, not in the API reference; the request-size refusal is the profile's, 2026-11)
    return refusal(r) ?? answer(502, 'Internal Server Error', 'application/json', { 'x-amzn-errortype': r.errorType === 'Function.ResponseSizeTooLarge' ? 'ResponseSizeTooLarge' : 'Unhandled' });
  },
};

// -------------------------------------------------------------------------- the HTTP platforms

/** HTTP targets receive the request itself; the answer is the function's, or `failed(r)`. */
function httpFront(name: string, failed: (r: Failure, info: RequestInfo) => HttpAnswer): HttpFront {
  return {
    name,
    toInvocation: (req) => ({ event: new TextDecoder().decode(req.body), http: req }),
    toAnswer: (r, info) => functionAnswer(r) ?? refusal(r) ?? failed(r, info),
  };
}

/**
 * Cloud Run functions: the Functions Framework answers a crash 500 with `X-Google-Status: crash`
 * and, with NODE_ENV=production as deployed, express's `sendStatus(500)` body
 * (@google-cloud/functions-framework build/src/logger.js sendCrashResponse); a request over the
 * timeout is answered 504 by Cloud Run's front end (verify: "upstream request timeout", seen on
 * Cloud Run, 2026-11); an instance killed for memory 500.
 */
const gcpFront = httpFront('Cloud Run function, HTTP trigger (Functions Framework)', (r) =>
  r.kind === 'timeout' ? answer(504, 'upstream request timeout') : answer(500, 'Internal Server Error', 'text/plain; charset=utf-8', { 'x-google-status': 'crash' }),
);

/**
 * Azure Functions HTTP trigger: an unhandled error, a worker crash or restart is a 500 with an
 * empty body (learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-output;
 * verify: status seen with func start, 2026-11).
 */
const azureFront = httpFront('Azure Functions HTTP trigger', () => ({ status: 500, headers: { 'content-length': '0' }, body: new Uint8Array() }));

/**
 * Workers: an exception is Cloudflare's error 1101 "Worker threw exception" (500), CPU time or
 * memory over the limit error 1102 "Worker exceeded resource limits" (503); non-browser clients get
 * the plain-text form (developers.cloudflare.com/workers/observability/errors/).
 */
const workersFront = httpFront('Workers fetch handler', (r) =>
  r.kind === 'timeout' || r.kind === 'oom' ? answer(503, 'error code: 1102') : answer(500, 'error code: 1101'),
);

/**
 * Vercel: FUNCTION_INVOCATION_FAILED (500) and FUNCTION_INVOCATION_TIMEOUT (504), with the error
 * code in `x-vercel-error` and Vercel's plain-text page (vercel.com/docs/errors).
 */
const vercelFront = httpFront('Vercel Node.js function', (_r, info) => {
  const code = _r.kind === 'timeout' ? 'FUNCTION_INVOCATION_TIMEOUT' : 'FUNCTION_INVOCATION_FAILED';
  return answer(code === 'FUNCTION_INVOCATION_TIMEOUT' ? 504 : 500, `A server error has occurred\n\n${code}\n\n${info.requestId}\n`, 'text/plain; charset=utf-8', { 'x-vercel-error': code, 'x-vercel-id': info.requestId });
});

export const HTTP_FRONTS: Record<PlatformId, HttpFront> = {
  'aws-lambda': lambdaUrl,
  'gcp-functions': gcpFront,
  'azure-functions': azureFront,
  'cloudflare-workers': workersFront,
  vercel: vercelFront,
};

/** A request id in the platform's usual form (a UUID). */
export function newRequestId(): string {
  return randomUUID();
}
