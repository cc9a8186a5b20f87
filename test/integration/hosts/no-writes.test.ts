/**
 * A cold start of each kind of bundle (model load + one request, in a plain Node child the way the
 * platform loads the entry) writes no file outside /tmp — onnxruntime's telemetry database and
 * logs included (ORT_DISABLE_TELEMETRY, set by the bundle). Every file-creating or -writing system
 * call of the child and its threads is traced with strace (Debian package; skipped when absent).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freshTmp, invokeBundle } from '../../helpers/bundle-host.js';
import { ROOT } from '../../helpers/cli.js';
import { testIf } from '../../helpers/skip.js';
import { bundleAndUnzip, cleanup } from './parity.js';
import type { PlatformId } from '../../../src/core/platform-facts.js';

const MLP = join(ROOT, 'fixtures', 'models', 'mlp.onnx');
const TFJS = join(ROOT, 'fixtures', 'models', 'tfjs-graph', 'classifier.json');

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const WRITE_CALLS = 'trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink,symlinkat,truncate,chmod,fchmodat';

/** Paths the traced process created, wrote, moved or removed (successful calls only). */
export function writtenPaths(trace: string): string[] {
  const out = new Set<string>();
  for (const line of trace.split('\n')) {
    const m = line.match(/^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)/);
    if (!m || Number(m[3]) < 0) continue;
    const [, call, args] = m;
    const path = args.match(/"((?:[^"\\]|\\.)*)"/)?.[1];
    if (!path) continue;
    const writes = /^open/.test(call) ? /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(args) : true;
    if (writes) out.add(path);
  }
  return [...out];
}

const cases: [PlatformId, string, string][] = [
  ['aws-lambda', MLP, 'onnxruntime-node'],
  ['gcp-functions', MLP, 'onnxruntime-node'],
  ['aws-lambda', MLP, 'onnxruntime-web'],
  ['cloudflare-workers', MLP, 'onnxruntime-web'],
  ['aws-lambda', TFJS, 'tfjs-backend-wasm'],
  ['cloudflare-workers', TFJS, 'tfjs-backend-wasm'],
];

for (const [target, model, runtime] of cases) {
  testIf(test, hasStrace() ? false : 'strace is not installed (apt-get install strace; .ci/install-tools.sh)', `${target} ${runtime}: a cold start writes nothing outside /tmp (strace)`, async () => {
    const b = await bundleAndUnzip(model, target, runtime);
    const traceDir = freshTmp('dlpack-strace-');
    const trace = join(traceDir, 'trace.txt');
    try {
      const body =
        model === MLP
          ? JSON.stringify({ inputs: { input: { dims: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 16) } } })
          : JSON.stringify({ inputs: { x: { dims: [1, 4, 4, 1], data: Array.from({ length: 16 }, (_, i) => i / 16) } } });
      // HOME: a real one, where onnxruntime's telemetry would create its database
      const [r] = await invokeBundle(b.dir, target, b.entry, [body], { wrap: ['strace', '-f', '-qq', '-e', WRITE_CALLS, '-o', trace], env: { HOME: process.env.HOME ?? '/root' } });
      assert.is(r.status, 200, JSON.stringify(r.body).slice(0, 300));
      const text = readFileSync(trace, 'utf8');
      assert.ok(text.includes('openat('), 'strace recorded the child');
      const outside = writtenPaths(text).filter((p) => !p.startsWith('/tmp/') && !p.startsWith('/dev/') && !p.startsWith('/proc/self/') && p !== '/tmp');
      assert.equal(outside, [], `written outside /tmp: ${outside.join(', ')}`);
    } finally {
      cleanup(b);
      rmSync(traceDir, { recursive: true, force: true });
    }
  });
}

test('the strace reading: write flags, creations and removals count; reads and failures do not', () => {
  const trace = [
    '12 openat(AT_FDCWD, "/root/.cache/x.db", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = 19',
    '12 openat(AT_FDCWD, "/usr/lib/libc.so", O_RDONLY|O_CLOEXEC) = 3',
    '12 openat(AT_FDCWD, "/home/nope", O_WRONLY|O_CREAT, 0644) = -1 EACCES (Permission denied)',
    '13 mkdir("/var/task/.cache", 0777) = 0',
    '13 unlink("/tmp/x") = 0',
  ].join('\n');
  assert.equal(writtenPaths(trace).sort(), ['/root/.cache/x.db', '/tmp/x', '/var/task/.cache']);
});

test.run();
