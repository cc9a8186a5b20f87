/**
 * Vercel Node.js function: `export default function handler(req, res)` (Node request/response
 * with Vercel's helpers). The bundle carries .vc-config.json for `vercel deploy --prebuilt`.
 */
import { predict, preload, config, encodingHeader, methodNotAllowed, requestBody, sendJson, type NodeRequest } from 'dlpack:handler';
import type { ServerResponse } from 'node:http';

/** The model load started at module scope (INIT); resolves when it is done (never rejects). */
export const ready = preload();

export default async function handler(req: NodeRequest, res: ServerResponse): Promise<void> {
  if (req.method && req.method !== 'POST') return sendJson(res, methodNotAllowed(req.method));
  sendJson(res, await predict(await requestBody(req, config.maxRequestBytes), encodingHeader(req)));
}

export { config as dlpackConfig };
