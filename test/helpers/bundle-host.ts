/**
 * Test helpers for bundles: unzip a bundle zip with yauzl into an empty folder under os.tmpdir()
 * (no node_modules anywhere above it), and call its entry in a plain `node` child process the way
 * the target's platform calls it (Workers: through the wasm/Data module rules in Node).
 */
import { mkdtempSync, existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import yauzl from 'yauzl';
import { spawnNode } from './cli.js';
import { workersModuleHooksImport } from '../../src/platforms/cloudflare-workers/emulator-hooks.js';

/** Fails when any folder above `dir` has a node_modules (the bundle must not find packages there). */
export function assertNoNodeModulesAbove(dir: string): void {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) throw new Error(`node_modules found above the unzip folder: ${d}`);
    if (dirname(d) === d) return;
  }
}

export async function unzipTo(zipPath: string, dest: string): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(zipPath, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z!))));
  const names: string[] = [];
  await new Promise<void>((ok, fail) => {
    zip.on('error', fail);
    zip.on('end', () => ok());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = resolve(dest, entry.fileName);
      if (!target.startsWith(resolve(dest) + sep)) return fail(new Error(`zip entry escapes: ${entry.fileName}`));
      names.push(entry.fileName);
      zip.openReadStream(entry, async (err, stream) => {
        if (err) return fail(err);
        await fs.mkdir(dirname(target), { recursive: true });
        const chunks: Buffer[] = [];
        stream!.on('data', (c: Buffer) => chunks.push(c));
        stream!.on('end', async () => {
          await fs.writeFile(target, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return names;
}

export function freshTmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  assertNoNodeModulesAbove(dir);
  return dir;
}

export interface InvokeResult {
  status: number;
  body: { outputs?: Record<string, { dtype: string; dims: number[]; data: (number | string)[]; encoding?: string }>; error?: string; backend?: string };
}

/** Calls the bundle once per request body, in one child process (one instance, in order). */
export async function invokeBundle(dir: string, target: string, entry: string, bodies: string[], options: InvokeOptions = {}): Promise<InvokeResult[]> {
  const bodiesFile = join(tmpdir(), `dlpack-bodies-${process.pid}-${Date.now()}.json`);
  await fs.writeFile(bodiesFile, JSON.stringify(bodies));
  try {
    return await invokeIn(dir, target, entry, bodiesFile, options);
  } finally {
    await fs.rm(bodiesFile, { force: true });
  }
}

export interface InvokeOptions {
  apiGateway?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Request headers (HTTP targets, and API Gateway events). */
  headers?: Record<string, string>;
  /** A command the node child runs under (e.g. strace with its options). */
  wrap?: string[];
}

async function invokeIn(dir: string, target: string, entry: string, bodiesFile: string, options: InvokeOptions): Promise<InvokeResult[]> {
  const script = `
    import { pathToFileURL } from 'node:url';
    import http from 'node:http';
    import { readFileSync } from 'node:fs';
    const bodies = JSON.parse(readFileSync(${JSON.stringify(bodiesFile)}, 'utf8'));
    const proc = process;
    // Workers (without nodejs_compat) have no process global: hide it, as libraries detect Node by it.
    if (${JSON.stringify(target)} === 'cloudflare-workers') delete globalThis.process;
    const m = await import(pathToFileURL(${JSON.stringify(join(dir, entry))}).href);
    const out = [];
    const target = ${JSON.stringify(target)};
    const headers = ${JSON.stringify(options.headers ?? {})};
    async function viaHttp(fn, body) {
      const server = http.createServer((req, res) => fn(req, res));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      try {
        const res = await fetch('http://127.0.0.1:' + server.address().port + '/', { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body });
        return { status: res.status, body: await res.json() };
      } finally { server.close(); }
    }
    for (const body of bodies) {
      if (target === 'aws-lambda' && ${!!options.apiGateway}) {
        const r = await m.handler({ version: '2.0', routeKey: '$default', requestContext: { http: { method: 'POST' } }, headers, isBase64Encoded: true, body: Buffer.from(body).toString('base64') }, {});
        out.push({ status: r.statusCode, body: JSON.parse(r.body) });
      } else if (target === 'aws-lambda') {
        try { out.push({ status: 200, body: await m.handler(JSON.parse(body), {}) }); }
        catch (e) { out.push({ status: e.name === 'BadRequest' ? 400 : 500, body: { error: e.message } }); }
      } else if (target === 'gcp-functions') {
        out.push(await viaHttp(m.handler, body));
      } else if (target === 'vercel') {
        out.push(await viaHttp(m.default, body));
      } else if (target === 'azure-functions') {
        const r = await m.handler(new Request('http://localhost/api/predict', { method: 'POST', body, headers }), {});
        out.push({ status: r.status, body: r.jsonBody });
      } else if (target === 'cloudflare-workers') {
        const r = await m.default.fetch(new Request('http://localhost/', { method: 'POST', body, headers }), {}, {});
        out.push({ status: r.status, body: await r.json() });
      }
    }
    proc.stdout.write('\\n@@RESULT@@' + JSON.stringify(out));
  `;
  const args = [...(target === 'cloudflare-workers' ? ['--import', workersModuleHooksImport()] : []), '--input-type=module', '-e', script];
  const r = await spawnNode(args, { cwd: dir, deadlineMs: 45_000, env: { NODE_PATH: '', ...options.env }, wrap: options.wrap });
  const at = r.stdout.lastIndexOf('@@RESULT@@');
  if (r.code !== 0 || at < 0) throw new Error(`bundle child failed (code ${r.code}, signal ${r.signal}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-1000)}`);
  return JSON.parse(r.stdout.slice(at + '@@RESULT@@'.length));
}
