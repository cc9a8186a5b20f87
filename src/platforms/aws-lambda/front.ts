/**
 * AWS Lambda's front doors (../shared/http-front.ts): a function URL (payload format 2.0) — the
 * request becomes the event below, the result becomes the response (a `statusCode` object as
 * given, any other JSON value a 200 JSON body) — and the Invoke API for direct invocations.
 */
import type { HttpRequestData } from '../shared/convention.js';
import { answer, refusal, text, type FrontOutcome, type HttpAnswer, type HttpFront, type RequestInfo } from '../shared/http-front.js';

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
function lambdaInvokeResponse(r: FrontOutcome, requestId: string): { payload: string; functionError?: 'Unhandled' } {
  if (r.raw) return { payload: Buffer.from(r.raw).toString('utf8') };
  const msg = r.errorMessage ?? '';
  const errorMessage = r.kind === 'oom' || r.kind === 'crash' || r.kind === 'timeout' ? `RequestId: ${requestId} Error: ${msg}` : msg;
  return { payload: JSON.stringify({ errorType: r.errorType ?? 'Unknown', errorMessage, trace: [] }), functionError: 'Unhandled' };
}

export const front: HttpFront = {
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
