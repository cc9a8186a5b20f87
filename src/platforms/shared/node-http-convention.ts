/**
 * Express-like `(req, res)` functions: Google Cloud Run functions (Functions Framework HTTP
 * signature) and Vercel Node functions. The request carries the event as a parsed JSON body; the
 * response implements status(), json(), send(), setHeader(), getHeader(), writeHead(), write(), end().
 */
// a module binding: Workers bundles run in the emulator with globalThis.process hidden
import process from 'node:process';
import { bodyOf, findFunction, httpRequestOf, nameAndMessage, safeString, type Convention, type FaultBehaviour, type InvokeContext, type InvokeOutcome } from './convention.js';

/**
 * How the platform's framework hands the body to the function: the Functions Framework (express +
 * body-parser) parses JSON into `req.body` and keeps the bytes in `req.rawBody` (an empty body
 * parses as {}); Vercel's helpers parse lazily on the first read of `req.body` (JSON: empty → {},
 * invalid → an error 400 "Invalid JSON" thrown from the getter) and keep no raw body
 * (@vercel/node dev-server.mjs getBodyParser).
 */
type BodyStyle = 'functions-framework' | 'vercel-helpers';

function makeRequest(event: unknown, ctx: InvokeContext, style: BodyStyle) {
  const http = httpRequestOf(event, ctx, { host: 'localhost:8080', 'x-request-id': ctx.requestId });
  const raw = new TextDecoder().decode(http.body);
  const headers = http.headers;
  const target = new URL(http.url, 'http://localhost');
  const query = Object.fromEntries(target.searchParams);
  const parse = (): unknown => {
    if (raw === '') return {};
    try {
      return JSON.parse(raw);
    } catch {
      if (style === 'vercel-helpers') throw Object.assign(new Error('Invalid JSON'), { statusCode: 400 });
      return raw;
    }
  };
  const req = {
    method: http.method,
    url: http.url,
    path: target.pathname,
    originalUrl: http.url,
    headers,
    query: query as Record<string, string>,
    params: {} as Record<string, string>,
    get(name: string) {
      return headers[name.toLowerCase()];
    },
    header(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  if (style === 'vercel-helpers') {
    let parsed: { value: unknown } | undefined;
    Object.defineProperty(req, 'body', { enumerable: true, get: () => (parsed ??= { value: parse() }).value });
    return req;
  }
  return Object.assign(req, { body: parse(), rawBody: Buffer.from(http.body) });
}

function makeResponse(resolve: (o: InvokeOutcome) => void) {
  const chunks: Buffer[] = [];
  const headers: Record<string, string | number | string[]> = {};
  let finished = false;
  const res = {
    statusCode: 200,
    headersSent: false,
    get writableEnded() {
      return finished;
    },
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    setHeader(name: string, value: string | number | string[]) {
      headers[name.toLowerCase()] = value;
      return res;
    },
    set(name: string, value: string) {
      return res.setHeader(name, value);
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
    writeHead(code: number, h?: Record<string, string>) {
      res.statusCode = code;
      for (const [k, v] of Object.entries(h ?? {})) res.setHeader(k, v);
      return res;
    },
    write(chunk: string | Uint8Array) {
      res.headersSent = true;
      chunks.push(Buffer.from(chunk));
      return true;
    },
    end(chunk?: string | Uint8Array) {
      if (finished) return res;
      if (chunk !== undefined) chunks.push(Buffer.from(chunk));
      finished = true;
      res.headersSent = true;
      resolve({ status: res.statusCode, body: Buffer.concat(chunks), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])) });
      return res;
    },
    send(body?: unknown) {
      if (body === undefined || body === null) return res.end();
      if (typeof body === 'string' || body instanceof Uint8Array) return res.end(body);
      return res.json(body);
    },
    json(body: unknown) {
      if (!headers['content-type']) res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(body));
    },
    sendStatus(code: number) {
      return res.status(code).end(String(code));
    },
  };
  return res;
}

/** What the platform's framework answers itself, before the function runs (undefined: the function runs). */
type FrameworkAnswer = (raw: string, contentType?: string) => InvokeOutcome | undefined;

function nodeHttpConvention(names: string[], what: string, faults: FaultBehaviour, style: BodyStyle, framework?: FrameworkAnswer): Convention {
  return {
    faults,
    prepare(mod, exportName) {
      const fn = findFunction(mod, exportName ? [exportName] : names, what);
      return (event, ctx) =>
        new Promise<InvokeOutcome>((resolve, reject) => {
          const answered = framework?.(ctx.http ? new TextDecoder().decode(ctx.http.body) : bodyOf(event), ctx.http?.headers['content-type']);
          if (answered) return resolve(answered);
          const res = makeResponse(resolve);
          try {
            const r = fn(makeRequest(event, ctx, style), res) as Promise<unknown> | undefined;
            // An async function that rejects before responding is an error (500 on the platform).
            if (r && typeof r.then === 'function') r.then(() => undefined, reject);
          } catch (err) {
            reject(err);
          }
        });
    },
  };
}

/**
 * The Functions Framework for Node.js (npm @google-cloud/functions-framework, build/src/invoker.js
 * ErrorHandler and logger.js sendCrashResponse): it logs "Unhandled rejection" / "Uncaught
 * exception", answers the request in flight 500 with `X-Google-Status: crash`, and exits 16.
 */
const gcpFaults: FaultBehaviour = {
  unhandledRejection: (reason) => ({ errorType: 'HTTP 500 (X-Google-Status: crash)', errorMessage: `Unhandled rejection: ${nameAndMessage(reason).message}`, exitCode: 16 }),
  uncaughtException: (error) => ({ errorType: 'HTTP 500 (X-Google-Status: crash)', errorMessage: `Uncaught exception: ${nameAndMessage(error).message}`, exitCode: 16 }),
};

/**
 * Vercel Node.js functions run on AWS Lambda's Node.js runtime: the process exits (128 for an
 * unhandled rejection, 129 for an uncaught exception) and the request fails 500
 * FUNCTION_INVOCATION_FAILED, the log saying "Node.js process exited with exit status: 128"
 * (vercel.com/docs/errors/FUNCTION_INVOCATION_FAILED; verify: wording seen in Vercel's logs, 2026-11).
 */
const vercelFaults: FaultBehaviour = {
  unhandledRejection: (reason) => ({
    errorType: 'FUNCTION_INVOCATION_FAILED',
    errorMessage: `Unhandled Rejection: ${safeString(reason)} (Node.js process exited with exit status: 128)`,
    exitCode: 128,
  }),
  uncaughtException: (error) => {
    const { name, message } = nameAndMessage(error);
    return { errorType: 'FUNCTION_INVOCATION_FAILED', errorMessage: `Uncaught Exception: ${name}: ${message} (Node.js process exited with exit status: 129)`, exitCode: 129 };
  },
};

/**
 * The Functions Framework parses a JSON body itself (express + body-parser `json()`, strict, see
 * @google-cloud/functions-framework build/src/server.js): a body that is not a JSON object or array
 * is answered 400 by express's final handler with an HTML page — "Bad Request" with NODE_ENV=production,
 * as on Cloud Run — and the function never sees it. An empty body parses as {} (the raw body stays empty).
 */
export function functionsFrameworkJson(raw: string, contentType = 'application/json'): InvokeOutcome | undefined {
  const first = raw.trimStart()[0];
  // body-parser's json() reads only JSON media types; other bodies reach the function as text or bytes
  if (raw.length === 0 || !/^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim())) return undefined;
  let ok = first === '{' || first === '[';
  if (ok) {
    try {
      JSON.parse(raw);
    } catch {
      ok = false;
    }
  }
  if (ok) return undefined;
  const html = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Bad Request</pre>\n</body>\n</html>\n';
  return {
    status: 400,
    body: html,
    headers: { 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff', 'content-type': 'text/html; charset=utf-8' },
  };
}

/** FUNCTION_TARGET names the export on Cloud Run functions; dlpack's templates export `handler`. */
export const gcpFunctionsConvention = nodeHttpConvention(['handler', 'default'], 'an HTTP function (req, res) named "handler"', gcpFaults, 'functions-framework', functionsFrameworkJson);
export const vercelConvention = nodeHttpConvention(['default', 'handler'], 'a default export function (req, res)', vercelFaults, 'vercel-helpers');
