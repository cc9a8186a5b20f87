/**
 * The AWS Lambda Runtime API, served on 127.0.0.1 so that the real Runtime Interface Client (npm
 * aws-lambda-ric, what the Node.js managed runtimes run) can drive a bundle here, as it does on
 * Lambda. Protocol (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, version 2018-06-01):
 *
 *   GET  /2018-06-01/runtime/invocation/next            long poll; 200 with the event as the body and
 *        Lambda-Runtime-Aws-Request-Id, -Deadline-Ms (epoch ms), -Invoked-Function-Arn, -Trace-Id,
 *        and, when set, -Client-Context and -Cognito-Identity headers
 *   POST /2018-06-01/runtime/invocation/{id}/response   202; a body over the response limit is refused
 *        (413) and the invocation fails with Function.ResponseSizeTooLarge
 *   POST /2018-06-01/runtime/invocation/{id}/error      202; Lambda-Runtime-Function-Error-Type header,
 *        body {errorMessage, errorType, stackTrace}
 *   POST /2018-06-01/runtime/init/error                 202; the INIT failed (the runtime then exits)
 *
 * Every arrival is stamped on the monotonic clock the emulator uses (protocol.ts), so INIT ends
 * when the runtime first asks for an event and an invocation lasts from the event's delivery to
 * the arrival of its complete response.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { monotonicMs } from './protocol.js';

const PREFIX = '/2018-06-01/runtime';

export interface RuntimeApiOptions {
  functionName: string;
  /** Synchronous response limit in bytes (Lambda: 6 MB). */
  responseLimitBytes: number;
  /** The invocation's error when the response is over the limit (`{size}`/`{limit}` in the message). */
  responseTooLarge: { errorType: string; message: string };
  region?: string;
}

export interface InvokeRequest {
  event: unknown;
  /** Function timeout from delivery, for Lambda-Runtime-Deadline-Ms. */
  timeoutMs: number;
  clientContext?: unknown;
  cognitoIdentity?: unknown;
}

export type InvocationOutcome =
  | { kind: 'response'; requestId: string; body: Buffer; deliveredAt: number; at: number }
  | { kind: 'error'; requestId: string; errorType: string; errorMessage: string; body: Buffer; deliveredAt: number; at: number };

export type InitOutcome = { kind: 'ready'; at: number } | { kind: 'init-error'; errorType: string; errorMessage: string; at: number };

interface Pending {
  requestId: string;
  request: InvokeRequest;
  deliveredAt?: number;
  resolve: (o: InvocationOutcome) => void;
}

/** A function's error body as the runtime posts it: its type and message, whatever the shape. */
export function parseErrorBody(body: Buffer, headerType: string | undefined): { errorType: string; errorMessage: string } {
  try {
    const v = JSON.parse(body.toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
    return { errorType: String(v.errorType ?? headerType ?? 'Unknown'), errorMessage: String(v.errorMessage ?? '') };
  } catch {
    return { errorType: headerType ?? 'Unknown', errorMessage: body.toString('utf8').slice(0, 1000) };
  }
}

export class LambdaRuntimeApi {
  private server: Server;
  private waiting?: ServerResponse;
  private queue: Pending[] = [];
  private inFlight = new Map<string, Pending>();
  private initWaiters: ((o: InitOutcome) => void)[] = [];
  private initOutcome?: InitOutcome;
  /** Requests the runtime sent that the API does not know, for diagnostics. */
  readonly unknownRequests: string[] = [];

  private constructor(private readonly opts: RuntimeApiOptions) {
    this.server = createServer((req, res) => void this.route(req, res));
    // the runtime's long poll must never time out on our side
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
  }

  static async start(opts: RuntimeApiOptions): Promise<LambdaRuntimeApi> {
    const api = new LambdaRuntimeApi(opts);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const a = this.server.address() as AddressInfo;
    return `127.0.0.1:${a.port}`;
  }

  /** Resolves when INIT ended: the runtime asked for its first event, or posted an init error. */
  initDone(): Promise<InitOutcome> {
    if (this.initOutcome) return Promise.resolve(this.initOutcome);
    return new Promise((resolve) => this.initWaiters.push(resolve));
  }

  /** Queues one invocation; resolves with the runtime's response or error. */
  invoke(request: InvokeRequest): Promise<InvocationOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ requestId: randomUUID(), request, resolve });
      this.deliver();
    });
  }

  /** Ends the server; invocations still open are left to the caller (the runtime died or was killed). */
  async close(): Promise<void> {
    this.waiting?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private endInit(o: InitOutcome): void {
    if (this.initOutcome) return;
    this.initOutcome = o;
    for (const w of this.initWaiters.splice(0)) w(o);
  }

  private deliver(): void {
    const res = this.waiting;
    const next = this.queue[0];
    if (!res || !next) return;
    this.queue.shift();
    this.waiting = undefined;
    const body = Buffer.from(JSON.stringify(next.request.event ?? null));
    const region = this.opts.region ?? 'us-east-1';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'lambda-runtime-aws-request-id': next.requestId,
      'lambda-runtime-deadline-ms': String(Date.now() + next.request.timeoutMs),
      'lambda-runtime-invoked-function-arn': `arn:aws:lambda:${region}:000000000000:function:${this.opts.functionName}`,
      'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${next.requestId.replace(/-/g, '').slice(0, 24)};Sampled=0`,
    };
    if (next.request.clientContext !== undefined) headers['lambda-runtime-client-context'] = JSON.stringify(next.request.clientContext);
    if (next.request.cognitoIdentity !== undefined) headers['lambda-runtime-cognito-identity'] = JSON.stringify(next.request.cognitoIdentity);
    this.inFlight.set(next.requestId, next);
    res.writeHead(200, headers);
    next.deliveredAt = monotonicMs();
    res.end(body);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    const at = () => monotonicMs();
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      this.endInit({ kind: 'ready', at: at() });
      this.waiting = res;
      res.on('close', () => {
        if (this.waiting === res) this.waiting = undefined;
      });
      this.deliver();
      return;
    }
    const body = await readBody(req);
    const arrived = at();
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
      const { errorType, errorMessage } = parseErrorBody(body, header(req, 'lambda-runtime-function-error-type'));
      this.endInit({ kind: 'init-error', errorType, errorMessage, at: arrived });
      return accepted(res);
    }
    const m = url.match(/^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/);
    const pending = m ? this.inFlight.get(decodeURIComponent(m[1])) : undefined;
    if (req.method !== 'POST' || !m || !pending) {
      this.unknownRequests.push(`${req.method} ${url.slice(0, 200)}`);
      return send(res, m ? 400 : 404, { errorMessage: m ? 'unknown or finished request id' : 'not found', errorType: m ? 'InvalidRequestID' : 'NotFound' });
    }
    this.inFlight.delete(pending.requestId);
    const base = { requestId: pending.requestId, deliveredAt: pending.deliveredAt ?? arrived, at: arrived, body };
    if (m[2] === 'response') {
      if (body.length > this.opts.responseLimitBytes) {
        const limit = this.opts.responseLimitBytes;
        const errorMessage = this.opts.responseTooLarge.message.replace('{size}', String(body.length)).replace('{limit}', String(limit));
        send(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${limit} bytes).`, errorType: 'RequestEntityTooLarge' });
        return pending.resolve({ ...base, kind: 'error', errorType: this.opts.responseTooLarge.errorType, errorMessage });
      }
      accepted(res);
      return pending.resolve({ ...base, kind: 'response' });
    }
    accepted(res);
    pending.resolve({ ...base, kind: 'error', ...parseErrorBody(body, header(req, 'lambda-runtime-function-error-type')) });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function accepted(res: ServerResponse): void {
  send(res, 202, { status: 'OK' });
}
