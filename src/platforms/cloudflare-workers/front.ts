/** The platform's HTTP front door: its own error answers (../shared/http-front.ts). */
import { answer, httpFront, type HttpFront } from '../shared/http-front.js';

/**
 * Workers: an exception is Cloudflare's error 1101 "Worker threw exception" (500), CPU time or
 * memory over the limit error 1102 "Worker exceeded resource limits" (503); non-browser clients get
 * the plain-text form (developers.cloudflare.com/workers/observability/errors/).
 */
export const front: HttpFront = httpFront('Workers fetch handler', (r) =>
  r.kind === 'timeout' || r.kind === 'oom' ? answer(503, 'error code: 1102') : answer(500, 'error code: 1101'),
);
