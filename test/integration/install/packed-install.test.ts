/**
 * The package as users get it: `npm pack` (the built dist/, no build scripts), installed into an
 * empty folder outside the repo with the registry only (no .npmrc of the repo, no
 * ONNXRUNTIME_NODE_INSTALL), then `dlpack --version`, `inspect`, `bundle` and `bench` run from
 * there through npx. onnxruntime-node is an optional peer: not installed, no CUDA download, and the
 * bundle says it fell back to onnxruntime-web. Slow (an npm install): its own file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { noBuild, testIf, type Unavailable } from '../../helpers/skip.js';

interface Run {
  code: number | null;
  out: string;
}

/** The environment of a user's shell: no npm_* variables from `npm test`, no CI, no ORT skip flag. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|ONNXRUNTIME_|CI$|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  // The user's npm cache stays (packages already downloaded are not fetched again); the config does not.
  env.npm_config_cache = process.env.npm_config_cache ?? join(process.env.HOME ?? home, '.npm');
  env.npm_config_userconfig = join(home, '.npmrc');
  env.DLPACK_CACHE_DIR = join(home, 'dlpack-cache');
  env.NO_COLOR = '1';
  return env;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, deadlineMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), deadlineMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function findFiles(dir: string, re: RegExp, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) findFiles(p, re, out);
    else if (re.test(name)) out.push(p);
  }
  return out;
}

const home = mkdtempSync(join(tmpdir(), 'dlpack-user-'));
const project = join(home, 'app');
const env = userEnv(home);
let needs: Unavailable = noBuild;
if (!needs) {
  const ping = await run('npm', ['ping'], home, env, 30_000);
  if (ping.code !== 0) needs = `the npm registry is unreachable (${ping.out.trim().split('\n').pop()})`;
}
let tarball = '';

testIf(test, needs, 'npm pack: the tarball holds the CLI, the built code, the manifest, the oclif bundle and LICENSE', async () => {
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', home], ROOT, env, 120_000);
  assert.is(r.code, 0, r.out);
  const info = JSON.parse(r.out.slice(r.out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(home, info[0].filename);
  const files = info[0].files.map((f) => f.path);
  for (const f of ['LICENSE', 'bin/run.js', 'oclif.manifest.json', 'dist/oclif-core.cjs', 'dist/oclif-core.json', 'dist/commands/inspect.js', 'dist/src/cli/start.js', 'package.json']) {
    assert.ok(files.includes(f), `${f} in the tarball`);
  }
  assert.not.ok(files.some((f) => f.startsWith('test/') || f.startsWith('fixtures/')), 'no tests or fixtures');
});

testIf(test, needs, 'npm install <tarball> in an empty folder: succeeds with the registry only; no onnxruntime-node, no CUDA files', async () => {
  rmSync(project, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-function', version: '1.0.0', private: true }));
  const r = await run('npm', ['install', '-D', tarball, '--no-audit', '--no-fund', '--prefer-offline'], project, env, 600_000);
  assert.is(r.code, 0, r.out);
  assert.not.match(r.out, /Unknown project config/);
  assert.ok(existsSync(join(project, 'node_modules/dlpack/LICENSE')));
  assert.not.ok(existsSync(join(project, 'node_modules/onnxruntime-node')), 'onnxruntime-node is an optional peer: not installed');
  assert.equal(findFiles(join(project, 'node_modules'), /providers_(cuda|tensorrt)/), [], 'no CUDA/TensorRT libraries');
});

testIf(test, needs, 'npx dlpack --version, inspect, bundle (wasm fallback, said so) and bench run from the installed package', async () => {
  copyFileSync(join(ROOT, 'fixtures/models/mlp.onnx'), join(project, 'mlp.onnx'));
  const version = await run('npx', ['dlpack', '--version'], project, env, 60_000);
  assert.is(version.code, 0, version.out);
  assert.match(version.out, /^dlpack\/\d+\.\d+\.\d+ linux-/);

  const help = await run('npx', ['dlpack', 'bench', '--targte', 'x'], project, env, 60_000);
  assert.is(help.code, 2, help.out);
  assert.match(help.out, /did you mean --target\?/);

  const inspect = await run('npx', ['dlpack', 'inspect', 'mlp.onnx'], project, env, 60_000);
  assert.is(inspect.code, 0, inspect.out);
  assert.match(inspect.out, /input/);

  const bundle = await run('npx', ['dlpack', 'bundle', 'mlp.onnx', '--target', 'aws-lambda', '-o', 'build/lambda'], project, env, 120_000);
  assert.is(bundle.code, 0, bundle.out);
  assert.match(bundle.out, /onnxruntime-web \(wasm\): onnxruntime-node is not installed/);
  assert.ok(existsSync(join(project, 'build/lambda.zip')));

  const bench = await run('npx', ['dlpack', 'bench', 'build/lambda', '--memory', '512', '--cold', '1', '--warm', '2', '--json'], project, env, 180_000);
  assert.is(bench.code, 0, bench.out);
  const report = JSON.parse(bench.out.slice(bench.out.indexOf('{')));
  const c = report.configurations[0];
  assert.is(c.memoryMb, 512);
  assert.is(c.errors.oom + c.errors.timeout + c.errors.error, 0, JSON.stringify(c.errors));
  assert.match(JSON.stringify(c), /onnxruntime-web/);
});

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
