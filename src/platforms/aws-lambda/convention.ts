/** AWS Lambda: `export const handler = async (event, context) => result` (or the callback style). */
import { nameAndMessage, safeString, type Convention } from '../shared/convention.js';

export const convention: Convention = {
  prepare(mod, exportName) {
    const fn = findHandler(mod, exportName);
    return async (event, ctx) => {
      const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: ctx.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${ctx.functionName}`,
        memoryLimitInMB: String(ctx.memoryMb),
        awsRequestId: ctx.requestId,
        logGroupName: `/aws/lambda/${ctx.functionName}`,
        logStreamName: '2026/11/28/[$LATEST]dlpack',
        getRemainingTimeInMillis: () => Math.max(0, ctx.timeoutMs - (performance.now() - ctx.startedAt)),
        done: undefined,
        fail: undefined,
        succeed: undefined,
      };
      const result = await new Promise<unknown>((resolve, reject) => {
        const callback = (err: unknown, value?: unknown) => (err ? reject(err) : resolve(value));
        try {
          const r = fn.length >= 3 ? fn(event, context, callback) : fn(event, context);
          if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(resolve, reject);
          else if (fn.length < 3) resolve(r);
        } catch (err) {
          reject(err);
        }
      });
      // Lambda serializes the result as JSON (undefined → null); a BigInt or a cycle fails the
      // invocation with the runtime's own error (aws-lambda-ric: _trySerializeResponse).
      let body: string;
      try {
        body = JSON.stringify(result ?? null);
      } catch {
        throw new Error('Unable to stringify response body');
      }
      const status = typeof result === 'object' && result && typeof (result as { statusCode?: unknown }).statusCode === 'number'
        ? (result as { statusCode: number }).statusCode
        : undefined;
      return { status, body };
    };
  },
  // aws-lambda-nodejs-runtime-interface-client (npm aws-lambda-ric, index.mjs and Runtime.js): an
  // unhandled rejection fails the invocation (or INIT) with Runtime.UnhandledPromiseRejection whose
  // message is String(reason), then the runtime exits 128; an uncaught exception fails it with the
  // error's own name and message and the runtime exits 129. The next request starts a new instance.
  faults: {
    unhandledRejection: (reason) => ({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: safeString(reason), exitCode: 128 }),
    uncaughtException: (error) => {
      const { name, message } = nameAndMessage(error);
      return { errorType: name, errorMessage: message, exitCode: 129 };
    },
  },
};

function findHandler(mod: Record<string, unknown>, exportName?: string) {
  const names = exportName ? [exportName] : ['handler', 'default'];
  for (const name of names) {
    const v = mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name];
    if (typeof v === 'function') return v as (...args: unknown[]) => unknown;
  }
  throw new Error(`the handler module does not export a function named "${names[0]}" (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`);
}
