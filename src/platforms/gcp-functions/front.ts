/** The platform's HTTP front door: its own error answers (../shared/http-front.ts). */
import { answer, httpFront, type HttpFront } from '../shared/http-front.js';

/**
 * Cloud Run functions: the Functions Framework answers a crash 500 with `X-Google-Status: crash`
 * and, with NODE_ENV=production as deployed, express's `sendStatus(500)` body
 * (@google-cloud/functions-framework build/src/logger.js sendCrashResponse); a request over the
 * timeout is answered 504 by Cloud Run's front end (verify: "upstream request timeout", seen on
 * Cloud Run, 2026-11); an instance killed for memory 500.
 */
export const front: HttpFront = httpFront('Cloud Run function, HTTP trigger (Functions Framework)', (r) =>
  r.kind === 'timeout' ? answer(504, 'upstream request timeout') : answer(500, 'Internal Server Error', 'text/plain; charset=utf-8', { 'x-google-status': 'crash' }),
);
