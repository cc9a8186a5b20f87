/** The platform's HTTP front door: its own error answers (../shared/http-front.ts). */
import { answer, httpFront, type HttpFront } from '../shared/http-front.js';

/**
 * Vercel: FUNCTION_INVOCATION_FAILED (500) and FUNCTION_INVOCATION_TIMEOUT (504), with the error
 * code in `x-vercel-error` and Vercel's plain-text page (vercel.com/docs/errors).
 */
export const front: HttpFront = httpFront('Vercel Node.js function', (_r, info) => {
  const code = _r.kind === 'timeout' ? 'FUNCTION_INVOCATION_TIMEOUT' : 'FUNCTION_INVOCATION_FAILED';
  return answer(code === 'FUNCTION_INVOCATION_TIMEOUT' ? 504 : 500, `A server error has occurred\n\n${code}\n\n${info.requestId}\n`, 'text/plain; charset=utf-8', { 'x-vercel-error': code, 'x-vercel-id': info.requestId });
});
