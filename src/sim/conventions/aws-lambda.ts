/** AWS Lambda: `export const handler = async (event, context) => result` (or the callback style). */
import type { Convention } from './convention.js';

export const awsLambdaConvention: Convention = {
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
      // Lambda serializes the result as JSON (undefined → null).
      const status = typeof result === 'object' && result && typeof (result as { statusCode?: unknown }).statusCode === 'number'
        ? (result as { statusCode: number }).statusCode
        : undefined;
      return { status, body: JSON.stringify(result ?? null) };
    };
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
