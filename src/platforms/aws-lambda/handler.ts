/**
 * AWS Lambda handler template (Node.js managed runtime; handler setting `index.handler`).
 * Accepts a direct invocation (the event is the request body object), API Gateway REST (v1) and
 * HTTP API (v2) events and Function URL events (body possibly base64-encoded).
 */
import { predict, preload, config, base64DecodedLength, ENCODING_HEADER } from 'dlpack:handler';

/** The model load started at module scope (INIT); resolves when it is done (never rejects). */
export const ready = preload();

interface HttpEvent {
  httpMethod?: string;
  requestContext?: { http?: { method?: string } };
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined> | null;
}

/** A header of an API Gateway v1 event (names as sent) or v2 / Function URL event (lower case). */
function header(event: HttpEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

function isHttpEvent(event: unknown): event is HttpEvent {
  if (!event || typeof event !== 'object') return false;
  const e = event as HttpEvent & { version?: string; routeKey?: string };
  return typeof e.httpMethod === 'string' || typeof e.requestContext?.http?.method === 'string' || 'isBase64Encoded' in e;
}

export const handler = async (event: unknown, _context?: unknown) => {
  if (!isHttpEvent(event)) {
    const result = await predict(event);
    if (result.status === 200) return result.body;
    const err = new Error(String(result.body.error));
    err.name = result.status >= 500 ? 'InferenceError' : 'BadRequest';
    throw err;
  }
  const method = event.httpMethod ?? event.requestContext?.http?.method;
  let result;
  if (method && method !== 'POST') {
    result = { status: 405, body: { error: `method ${method} not allowed; POST a JSON body` } };
  } else {
    const raw = event.body ?? '';
    // the size is checked before a base64 body is decoded
    const decoded = base64DecodedLength(raw);
    if (event.isBase64Encoded && decoded > config.maxRequestBytes) {
      result = { status: 413, body: { error: `request body is ${decoded} bytes; the limit is ${config.maxRequestBytes}` } };
    } else result = await predict(event.isBase64Encoded ? new Uint8Array(Buffer.from(raw, 'base64')) : raw, header(event, ENCODING_HEADER));
  }
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(result.body),
    isBase64Encoded: false,
  };
};

export { config as dlpackConfig };
