/**
 * Azure Functions, Node.js v4 programming model: `(request: HttpRequest, context: InvocationContext)
 * => HttpResponseInit`. The function is found as an export (`handler`) or, like the real worker
 * does, by serving `@azure/functions-core` to the module so that `app.http(...)` registers it.
 */
import { createRequire } from 'node:module';
import { httpRequestOf, nameAndMessage, safeString, type Convention, type PlatformFault } from '../shared/convention.js';

function azureFault(error: unknown): PlatformFault {
  const { name, message } = nameAndMessage(error);
  return { errorType: 'Worker uncaught exception', errorMessage: `Worker uncaught exception (learn more: https://go.microsoft.com/fwlink/?linkid=2097909 ): ${name}: ${message}`, exitCode: 1 };
}

type AzureHandler = (request: unknown, context: unknown) => unknown;
const registered: { name: string; handler: AzureHandler }[] = [];

/** Must run before the handler module loads: provides the worker's core API to @azure/functions. */
export function installAzureCoreApi(entry: string): void {
  const require = createRequire(entry);
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const coreApi = {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    setProgrammingModel() {},
    getProgrammingModel() {
      return undefined;
    },
    registerFunction(metadata: { name: string }, handler: AzureHandler) {
      registered.push({ name: metadata.name, handler });
      return { dispose() {} };
    },
    registerHook() {
      return { dispose() {} };
    },
    Disposable: class {
      dispose() {}
    },
  };
  const original = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    if (request === '@azure/functions-core') return coreApi;
    return original.call(this, request, ...rest);
  };
  // esbuild's ESM output calls require() only where a global `require` exists.
  (globalThis as { require?: unknown }).require ??= require;
}

export const convention: Convention = {
  beforeImport: installAzureCoreApi,
  // the worker's loadScriptFile: import() for `.mjs` or a `"type": "module"` package, require()
  // otherwise (index.ts: loader 'by-type'; verify: worker source, not run here, 2026-11)
  // The Node.js language worker (azure-functions-nodejs-worker, startApp.ts) logs "Worker <id>
  // uncaught exception (learn more: https://go.microsoft.com/fwlink/?linkid=2097909 ): <stack>" and
  // exits 1; Node 15+ raises an unhandled rejection as that uncaught exception. The host answers
  // the invocation 500 and restarts the worker (verify: worker source, not run here, 2026-11).
  faults: {
    unhandledRejection: (reason) => azureFault(reason instanceof Error ? reason : new Error(`This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${safeString(reason)}".`)),
    uncaughtException: (error) => azureFault(error),
  },
  prepare(mod, exportName) {
    const exported = exportName ? mod[exportName] : mod.handler ?? (mod.default as Record<string, unknown> | undefined)?.handler;
    const fn = (typeof exported === 'function' ? exported : registered[0]?.handler) as AzureHandler | undefined;
    if (!fn) {
      throw new Error(
        `the handler module neither exports a function "${exportName ?? 'handler'}" nor registers one with app.http() (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`,
      );
    }
    return async (event, ctx) => {
      const http = httpRequestOf(event, ctx, { host: 'localhost:7071' });
      // the HTTP trigger's route: /api/<function name>, then what the client asked for
      const url = ctx.http ? new URL(http.url, `http://${http.headers.host ?? 'localhost:7071'}`).href : `http://localhost:7071/api/${ctx.functionName}`;
      const hasBody = http.method !== 'GET' && http.method !== 'HEAD';
      const headers = Object.fromEntries(Object.entries(http.headers).filter(([k]) => k !== 'content-length' && k !== 'connection' && k !== 'transfer-encoding'));
      const web = new Request(url, { method: http.method, body: hasBody ? (http.body as Uint8Array<ArrayBuffer>) : undefined, headers });
      const request = {
        method: http.method,
        url,
        headers: web.headers,
        query: new URL(url).searchParams,
        params: {},
        user: null,
        get body() {
          return web.body;
        },
        get bodyUsed() {
          return web.bodyUsed;
        },
        json: () => web.json(),
        text: () => web.text(),
        arrayBuffer: () => web.arrayBuffer(),
        blob: () => web.blob(),
        formData: () => web.formData(),
        clone: () => request,
      };
      const logs = (..._args: unknown[]) => undefined;
      const context = {
        invocationId: ctx.requestId,
        functionName: ctx.functionName,
        extraInputs: { get: () => undefined, set: () => undefined },
        extraOutputs: { get: () => undefined, set: () => undefined },
        retryContext: undefined,
        traceContext: undefined,
        triggerMetadata: {},
        options: { trigger: { type: 'httpTrigger', name: 'request' }, extraInputs: [], extraOutputs: [] },
        log: logs,
        trace: logs,
        debug: logs,
        info: logs,
        warn: logs,
        error: logs,
      };
      const init = ((await fn(request, context)) ?? {}) as {
        status?: number;
        body?: unknown;
        jsonBody?: unknown;
        headers?: Record<string, string>;
      };
      if (init instanceof Response) return { status: init.status, body: new Uint8Array(await init.arrayBuffer()) };
      const body = init.jsonBody !== undefined ? JSON.stringify(init.jsonBody) : await bodyToBytes(init.body);
      return { status: init.status ?? 200, body, headers: init.headers && typeof init.headers === 'object' ? { ...init.headers } : undefined };
    };
  },
};

async function bodyToBytes(body: unknown): Promise<string | Uint8Array> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body as BodyInit).arrayBuffer());
}
