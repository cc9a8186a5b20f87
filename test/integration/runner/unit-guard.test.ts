/**
 * The unit tier's guard (test/helpers/forbid-processes.cjs, preloaded by test/run.js): starting a
 * process throws with the call and the file named, by named import, through the module object or
 * the ChildProcess class, and when a library (esbuild's service) starts one, also from a worker
 * thread (esbuild's sync API); a swallowed attempt, in the main thread or a worker, still fails the
 * file at exit; without the guard the same scripts run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, spawnNode } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-guard-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const GUARD = join(ROOT, 'test', 'helpers', 'forbid-processes.cjs');

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const named = script('named.mjs', "import { spawnSync } from 'node:child_process';\nconst r = spawnSync(process.execPath, ['-e', '']);\nconsole.log('status', r.status);\n");
const swallowed = script(
  'swallowed.mjs',
  "import cp from 'node:child_process';\ntry { cp.execFileSync(process.execPath, ['-e', '']); } catch { /* a library falling back */ }\nconsole.log('went on');\n",
);
const later = script('later.mjs', "const { fork } = await import('node:child_process');\nfork('x.mjs');\n");

const ESBUILD = createRequire(import.meta.url).resolve('esbuild');
const viaClass = script(
  'class.mjs',
  "import { ChildProcess } from 'node:child_process';\nnew ChildProcess().spawn({ file: process.execPath, args: [process.execPath, '-e', ''], stdio: 'ignore' });\n",
);
const viaLibrary = script('library.mjs', `import esbuild from ${JSON.stringify(ESBUILD)};\nconsole.log((await esbuild.transform('let a = 1')).code);\n`);
const inWorker = script(
  'worker.mjs',
  [
    `import esbuild from ${JSON.stringify(ESBUILD)};`,
    "import { Worker } from 'node:worker_threads';",
    "try { esbuild.transformSync('let a = 1'); console.log('sync ran'); } catch (e) { console.log('sync refused:', e.message.split('\\n')[0]); }",
    "const w = new Worker(\"try { require('node:child_process').execFileSync(process.execPath, ['-e', '']) } catch {}\", { eval: true });",
    "w.on('exit', () => setTimeout(() => console.log('main went on'), 100));",
  ].join('\n'),
);

test('without the guard the scripts start their processes', async () => {
  const a = await spawnNode([named]);
  assert.is(a.code, 0, a.stderr);
  assert.match(a.stdout, /status 0/);
  assert.is((await spawnNode([swallowed])).code, 0);
  const lib = await spawnNode([viaLibrary]);
  assert.is(lib.code, 0, lib.stderr);
  assert.match(lib.stdout, /let a = 1;/);
  const w = await spawnNode([inWorker]);
  assert.is(w.code, 0, w.stderr);
  assert.match(w.stdout, /sync ran/);
});

test('a named import of spawnSync throws, naming the call and the file', async () => {
  const r = await spawnNode(['--import', GUARD, named], { cwd: dir });
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /unit tests start no processes: named\.mjs called child_process\.spawnSync\(".*node"\); move the test to test\/integration\//);
  assert.not.match(r.stdout, /status/);
});

test('a swallowed attempt still fails the file at exit', async () => {
  const r = await spawnNode(['--import', GUARD, swallowed], { cwd: dir });
  assert.match(r.stdout, /went on/);
  assert.is(r.code, 1);
  assert.match(r.stderr, /unit tests start no processes: swallowed\.mjs tried 1: execFileSync/);
});

test('a dynamic import after start-up gets the guarded functions too', async () => {
  const r = await spawnNode(['--import', GUARD, later], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stderr, /child_process\.fork\("x\.mjs"\)/);
});

test('the ChildProcess class and a library starting its own service (esbuild) are refused', async () => {
  const c = await spawnNode(['--import', GUARD, viaClass], { cwd: dir });
  assert.is(c.code, 1);
  assert.match(c.stderr, /class\.mjs called child_process\.new ChildProcess\(\)\.spawn\(".*node"\)/);
  const lib = await spawnNode(['--import', GUARD, viaLibrary], { cwd: dir });
  assert.is(lib.code, 1);
  assert.match(lib.stderr, /library\.mjs called child_process\.spawn\(".*esbuild"\)/);
  assert.not.match(lib.stdout, /let a = 1/);
});

test('worker threads are guarded too: esbuild\'s sync API and an attempt swallowed inside a worker', async () => {
  const r = await spawnNode(['--import', GUARD, inWorker], { cwd: dir });
  assert.match(r.stdout, /sync refused: .*unit tests start no processes: worker\.mjs called child_process\.spawn\(".*esbuild"\)/);
  assert.match(r.stdout, /main went on/);
  assert.is(r.code, 1);
  assert.match(r.stderr, /worker\.mjs tried 2: spawn\(".*esbuild"\) \(in a worker thread\), execFileSync\(".*node"\) \(in a worker thread\)/);
});

test.run();
