import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTfjsBackend, selectTfjsBackend, tfjsBackendCandidates } from '../../../src/runtimes/tfjs-backend.js';
import { openTfjsSession } from '../../../src/runtimes/tfjs-session.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { ROOT, spawnNode } from '../../helpers/cli.js';
import { GRAPH_FIXTURE, maxAbsDiff, testInput } from '../../helpers/tfjs-test-helpers.js';
import { testIf } from '../../helpers/skip.js';

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('backend names are validated before anything loads', () => {
  assert.is(parseTfjsBackend(undefined), undefined);
  assert.is(parseTfjsBackend('auto'), undefined);
  assert.is(parseTfjsBackend('WASM'), 'wasm');
  assert.is(parseTfjsBackend('tensorflow'), 'node');
  assert.equal(tfjsBackendCandidates(undefined), ['node', 'wasm', 'cpu']);
  assert.equal(tfjsBackendCandidates('cpu,wasm,cpu'), ['cpu', 'wasm']);
  assert.throws(() => tfjsBackendCandidates('wasm,webgl'), /unknown TF.js backend "webgl"/);
  const err = (() => {
    try {
      parseTfjsBackend('gpu');
    } catch (e) {
      return e;
    }
  })() as DlpackError;
  assert.instance(err, DlpackError);
  assert.is(err.code, 'USAGE');
  assert.match(err.oneLine(), /unknown TF.js backend "gpu".*node, wasm, cpu/);
});

test('unknown backend option fails openTfjsSession with USAGE', async () => {
  const err = await openTfjsSession(GRAPH_FIXTURE, { backend: 'webgpu' }).catch((e) => e);
  assert.instance(err, DlpackError);
  assert.is(err.code, 'USAGE');
});

// The fallback when @tensorflow/tfjs-node is absent (it cannot install here: libtensorflow download).
const tfjsNodePresent = tfjsNodeInstalled() && '@tensorflow/tfjs-node is installed: these tests need it absent';
{
  testIf(test, tfjsNodePresent, 'auto: tfjs-node is absent, so wasm runs and the reason node failed is recorded', async () => {
    const rt = await selectTfjsBackend();
    assert.is(rt.backend, 'wasm');
    assert.is(rt.label, 'tfjs (wasm)');
    assert.is(rt.tf.getBackend(), 'wasm');
    assert.is(rt.attempts.length, 2);
    assert.equal(rt.attempts[0].backend, 'node');
    assert.is(rt.attempts[0].ok, false);
    assert.match(rt.attempts[0].reason!, /@tensorflow\/tfjs-node is not installed/);
    assert.equal(rt.attempts[1], { backend: 'wasm', ok: true });
  });

  testIf(test, tfjsNodePresent, 'forcing node when tfjs-node is absent: one RUNTIME error that says why', async () => {
    const err = await selectTfjsBackend({ backend: 'node' }).catch((e) => e);
    assert.instance(err, DlpackError);
    assert.is(err.code, 'RUNTIME');
    assert.match(err.message, /TF.js backend "node" failed to load \(node: @tensorflow\/tfjs-node is not installed/);
  });

  testIf(test, tfjsNodePresent, 'a preference list falls back in the order given and records each failure', async () => {
    const rt = await selectTfjsBackend({ backend: 'node,cpu' });
    assert.is(rt.label, 'tfjs (cpu)');
    assert.equal(rt.attempts.map((a) => [a.backend, a.ok]), [['node', false], ['cpu', true]]);
    const s = await openTfjsSession(GRAPH_FIXTURE, { backend: 'tensorflow, wasm' });
    assert.is(s.backend, 'tfjs (wasm)');
    assert.match(s.attempts[0].reason!, /not installed/);
    await s.dispose();
  });
}

test('forcing cpu and wasm activates exactly that backend, one attempt each', async () => {
  const cpu = await selectTfjsBackend({ backend: 'cpu' });
  assert.is(cpu.label, 'tfjs (cpu)');
  assert.is(cpu.tf.getBackend(), 'cpu');
  assert.equal(cpu.attempts, [{ backend: 'cpu', ok: true }]);
  const wasm = await selectTfjsBackend({ backend: 'wasm' });
  assert.is(wasm.tf.getBackend(), 'wasm');
  assert.equal(wasm.attempts, [{ backend: 'wasm', ok: true }]);
});

test('two sessions on different backends each run on their own backend', async () => {
  const x = { dtype: 'float32' as const, shape: [2, 4, 4, 1], data: testInput(32) };
  const onCpu = await openTfjsSession(GRAPH_FIXTURE, { backend: 'cpu' });
  const onWasm = await openTfjsSession(GRAPH_FIXTURE, { backend: 'wasm' });
  try {
    const a = await onCpu.run({ x });
    const b = await onWasm.run({ x });
    assert.is(onCpu.backend, 'tfjs (cpu)');
    assert.is(onWasm.backend, 'tfjs (wasm)');
    assert.ok(maxAbsDiff(a.probs.data as Float32Array, b.probs.data as Float32Array) < 1e-5);
    const { tf } = await selectTfjsBackend({ backend: 'cpu' });
    await onWasm.run({ x });
    assert.is(tf.getBackend(), 'wasm', 'running the wasm session switched the active backend back');
  } finally {
    await onCpu.dispose();
    await onWasm.dispose();
  }
});

test('importing the TF.js runtime and format modules loads no @tensorflow package until a session opens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-trace-'));
  const trace = join(dir, 'trace.txt');
  try {
    const code = [
      "await import('./src/runtimes/tfjs-session.ts');",
      "await import('./src/runtimes/tfjs-backend.ts');",
      "await import('./src/formats/tfjs/index.ts');",
    ].join('');
    const r = await spawnNode(['--import', join(ROOT, 'test/helpers/import-tracer.mjs'), '--import', 'tsx', '--input-type=module', '-e', code], {
      env: { IMPORT_TRACE_FILE: trace },
      deadlineMs: 30_000,
    });
    assert.is(r.code, 0, r.stderr);
    const loaded = readFileSync(trace, 'utf8').split('\n');
    assert.ok(loaded.some((l) => l.includes('tfjs-session')), 'tracer saw the module');
    assert.equal(loaded.filter((l) => l.includes('@tensorflow')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
