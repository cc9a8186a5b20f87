/**
 * oclif conventions of the installed CLI (bin/run.js + dist/): help and version commands, -h,
 * did-you-mean for commands and flags as one-line usage errors (exit 2), shell completion, and the
 * fast start-up paths giving exactly what oclif itself gives.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnNode } from '../helpers/cli.js';
import { noBuild, testIf } from '../helpers/skip.js';


const cacheRoot = mkdtempSync(join(tmpdir(), 'dlpack-conv-'));
const dlpack = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnNode([join(ROOT, 'bin/run.js'), ...args], { env: { DLPACK_CACHE_DIR: cacheRoot, ...env } });

testIf(test, noBuild, 'dlpack help bench, dlpack bench -h and dlpack bench --help print the same help', async () => {
  const [a, b, c] = await Promise.all([dlpack(['help', 'bench']), dlpack(['bench', '-h']), dlpack(['bench', '--help'])]);
  for (const r of [a, b, c]) assert.is(r.code, 0, r.stderr);
  assert.match(a.stdout, /USAGE\n {2}\$ dlpack bench/);
  assert.match(a.stdout, /EXAMPLES/);
  assert.is(b.stdout, a.stdout);
  assert.is(c.stdout, a.stdout);
});

testIf(test, noBuild, 'help through the bundled oclif is the same text as through the installed oclif (root and every command)', async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
  const root = await Promise.all([dlpack(['--help']), dlpack(['help'])]);
  assert.is(root[0].code, 0, root[0].stderr);
  assert.is(root[0].stdout, root[1].stdout);
  for (const id of ['autocomplete', 'help', 'version', ...Object.keys(manifest.commands)]) {
    const [bundled, installed] = await Promise.all([dlpack([id, '--help']), dlpack(['help', id])]);
    assert.is(bundled.code, 0, `${id}: ${bundled.stderr}`);
    assert.is(bundled.stdout, installed.stdout, id);
  }
});

testIf(test, noBuild, 'dlpack --version (answered without oclif) is oclif’s user agent, as `dlpack version` prints it', async () => {
  const [fast, plugin] = await Promise.all([dlpack(['--version']), dlpack(['version'])]);
  assert.is(fast.code, 0, fast.stderr);
  assert.match(fast.stdout, /^dlpack\/\d+\.\d+\.\d+ linux-(x64|arm64) node-v\d+/);
  assert.is(fast.stdout, plugin.stdout);
});

testIf(test, noBuild, 'no plugin declares an init hook (the --version fast path skips oclif’s init hooks)', () => {
  const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.not.ok(pjson.oclif.hooks?.init, 'dlpack itself');
  for (const name of pjson.oclif.plugins as string[]) {
    const dir = join(ROOT, 'node_modules', name);
    const plugin = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.not.ok(plugin.oclif?.hooks?.init, `${name} has an init hook`);
  }
});

testIf(test, noBuild, 'dlpack benhc: one line suggesting bench, exit 2', async () => {
  const r = await dlpack(['benhc']);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /"benhc" is not a dlpack command \(did you mean "dlpack bench"\?/);
});

testIf(test, noBuild, 'dlpack bench --targte x: one line suggesting --target, exit 2, no usage dump', async () => {
  const r = await dlpack(['bench', '--targte', 'x']);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n'), ['Error: unknown flag --targte (did you mean --target?) (dlpack bench --help lists every flag)']);
});

testIf(test, noBuild, 'other parser errors are one line too, exit 2 (bad option value, bad integer, missing argument, missing flag, extra argument)', async () => {
  const cases: [string[], RegExp][] = [
    [['bench', '--cpu', 'cgrup'], /^Error: --cpu cgrup is not one of auto, cgroup, scale, off \(did you mean cgroup\?\)/],
    [['bench', '--cold', 'abc'], /^Error: --cold: Expected an integer but received: abc/],
    [['bundle'], /^Error: missing argument MODEL/],
    [['bundle', 'm.onnx'], /^Error: missing required flag --target/],
    [['inspect', 'a.onnx', 'b.onnx'], /^Error: unexpected argument: b\.onnx/],
  ];
  const results = await Promise.all(cases.map(([args]) => dlpack(args)));
  cases.forEach(([args, re], i) => {
    const r = results[i];
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  });
});

testIf(test, noBuild, 'a parser error with --json is the JSON error object', async () => {
  const r = await dlpack(['bench', '--targte', 'x', '--json']);
  assert.is(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error, { code: 'USAGE', message: 'unknown flag --targte (did you mean --target?)', hint: 'dlpack bench --help lists every flag' });
});

testIf(test, noBuild, 'shell completion: dlpack autocomplete bash prints the setup, and the completion script names every command', async () => {
  const home = mkdtempSync(join(tmpdir(), 'dlpack-ac-'));
  try {
    // oclif's cache folder (DLPACK_CACHE_DIR overrides it, as for the code cache).
    const r = await dlpack(['autocomplete', 'bash'], { HOME: home, DLPACK_CACHE_DIR: join(home, 'cache') });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /dlpack autocomplete script bash/);
    const dir = join(home, 'cache', 'autocomplete');
    const setup = readFileSync(join(dir, 'bash_setup'), 'utf8');
    assert.match(setup, /dlpack/);
    const functions = readdirSync(join(dir, 'functions', 'bash')).map((f) => readFileSync(join(dir, 'functions', 'bash', f), 'utf8')).join('\n');
    for (const id of ['bench', 'bundle', 'check', 'inspect', 'quantize']) assert.match(functions, new RegExp(`\\b${id}\\b`), id);
    assert.match(functions, /--target/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

testIf(test, noBuild, 'help writes a V8 code cache once and reuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-cc-'));
  try {
    const first = await dlpack(['inspect', '--help'], { DLPACK_CACHE_DIR: dir });
    assert.is(first.code, 0, first.stderr);
    const files = readdirSync(join(dir, 'compile-cache'));
    assert.is(files.length, 1, files.join(', '));
    const file = join(dir, 'compile-cache', files[0]);
    const before = statSync(file).mtimeMs;
    const second = await dlpack(['inspect', '--help'], { DLPACK_CACHE_DIR: dir });
    assert.is(second.stdout, first.stdout);
    assert.is(statSync(file).mtimeMs, before, 'accepted by V8, not rewritten');
    assert.is((statSync(join(dir, 'compile-cache')).mode & 0o077), 0, 'private folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.after(() => rmSync(cacheRoot, { recursive: true, force: true }));
test.run();
