/**
 * Cloudflare Workers module worker: `export default { fetch(request, env, ctx) }`. WebAssembly
 * runtimes only; the .wasm binary and the model files are uploaded as modules beside the script
 * (wrangler.toml rules CompiledWasm / Data) and imported by the generated `dlpack:assets`.
 * The model loads on the first request (cached per isolate).
 */
import { predict, config, ENCODING_HEADER } from 'dlpack:handler';

// No preload at global scope: Workers limit start-up to 1 s and restrict work there. The model
// promise is still cached at module scope, so it loads once per isolate, on the first request.

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export default {
  async fetch(request: Request, _env?: unknown, _ctx?: unknown): Promise<Response> {
    if (request.method !== 'POST') return json(405, { error: `method ${request.method} not allowed; POST a JSON body` });
    const declared = Number(request.headers.get('content-length'));
    if (declared > config.maxRequestBytes) {
      return json(413, { error: `request body is ${declared} bytes; the limit is ${config.maxRequestBytes}` });
    }
    const result = await predict(new Uint8Array(await request.arrayBuffer()), request.headers.get(ENCODING_HEADER));
    return json(result.status, result.body);
  },
};
