/**
 * Node http request/response helpers for the (req, res) targets (Cloud Run functions, Vercel).
 * Works with Express-style objects (the Functions Framework, Vercel's helpers: body already read)
 * and with a plain http.IncomingMessage / ServerResponse (body read here, up to the limit).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PredictResult } from './predict.js';
import { ENCODING_HEADER } from '../../core/tensor/wire-encoding.js';

export type NodeRequest = IncomingMessage & { body?: unknown; rawBody?: Uint8Array };

/** The request body: the raw bytes when the framework kept them, else what it parsed, else read from the stream. */
export async function requestBody(req: NodeRequest, limit: number): Promise<unknown> {
  if (req.rawBody instanceof Uint8Array) return req.rawBody;
  let parsed: unknown;
  try {
    parsed = req.body;
  } catch {
    return '\u0000invalid'; // Vercel's body getter throws on invalid JSON: answer it as invalid JSON
  }
  if (parsed !== undefined) return parsed;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit + 1) break; // enough to answer 413 without reading everything
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The x-dlpack-encoding header (core/tensor/wire-encoding.ts), if sent. */
export function encodingHeader(req: NodeRequest): string | undefined {
  const v = req.headers?.[ENCODING_HEADER];
  return Array.isArray(v) ? v[0] : v;
}

export function sendJson(res: ServerResponse, result: PredictResult): void {
  res.statusCode = result.status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(result.body));
}

export function methodNotAllowed(method: string | undefined): PredictResult {
  return { status: 405, body: { error: `method ${method ?? '?'} not allowed; POST a JSON body` } };
}
