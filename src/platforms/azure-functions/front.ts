/** The platform's HTTP front door: its own error answers (../shared/http-front.ts). */
import { httpFront, type HttpFront } from '../shared/http-front.js';

/**
 * Azure Functions HTTP trigger: an unhandled error, a worker crash or restart is a 500 with an
 * empty body (learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-output;
 * verify: status seen with func start, 2026-11).
 */
export const front: HttpFront = httpFront('Azure Functions HTTP trigger', () => ({ status: 500, headers: { 'content-length': '0' }, body: new Uint8Array() }));
