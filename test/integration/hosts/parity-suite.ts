/**
 * The host-parity suite for one target, shared by the per-target test files (each runs in its own
 * process under the runner's deadline): the fixtures bundled for the target — ONNX on
 * onnxruntime-node (where the platform loads native addons), ONNX on onnxruntime-web, TF.js on
 * tfjs-backend-wasm — and the dtype models (a TF.js graph with a uint8 input, an ONNX model with
 * uint8/int32/int64/bool inputs) run in the platform's own local host and in the emulator.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { PlatformId } from '../../../src/core/platform-facts.js';
import { getPlatform } from '../../../src/platforms/index.js';
import { ROOT } from '../../helpers/cli.js';
import { testIf } from '../../helpers/skip.js';
import { bundleAndUnzip, cleanup, emulatorAnswers, hostMissing, realAnswers, requestSet, type ParityRequest } from './parity.js';
import { DTYPES_ANSWER, DTYPES_REQUEST, UINT8_TFJS_ANSWER, UINT8_TFJS_REQUEST, writeDtypesOnnx, writeUint8Tfjs } from './models.js';
import { freshTmp } from '../../helpers/bundle-host.js';
import { rmSync } from 'node:fs';

const MLP = join(ROOT, 'fixtures', 'models', 'mlp.onnx');
const TFJS_GRAPH = join(ROOT, 'fixtures', 'models', 'tfjs-graph', 'classifier.json');

/** Compares request by request; the message names the request and shows both answers. */
export function assertSame(name: string, requests: ParityRequest[], real: unknown[], emulated: unknown[]): void {
  assert.is(real.length, requests.length);
  for (let i = 0; i < requests.length; i++) {
    assert.equal(emulated[i], real[i], `${name} / ${requests[i].name}:\n  real     ${JSON.stringify(real[i]).slice(0, 600)}\n  emulated ${JSON.stringify(emulated[i]).slice(0, 600)}`);
  }
}

export function paritySuite(target: PlatformId): void {
  const missing = hostMissing(target);
  const native = getPlatform(target).runtime.nativeAddons.value;
  const cases: [string, string, string | undefined][] = [
    ...(native ? ([['ONNX (onnxruntime-node)', MLP, 'onnxruntime-node']] as [string, string, string][]) : []),
    ['ONNX (onnxruntime-web)', MLP, 'onnxruntime-web'],
    ['TF.js graph (tfjs-backend-wasm)', TFJS_GRAPH, 'tfjs-backend-wasm'],
  ];
  for (const [name, model, runtime] of cases) {
    testIf(test, missing, `${target} ${name}: the real host and the emulator agree on every request`, async () => {
      const b = await bundleAndUnzip(model, target, runtime);
      try {
        const requests = await requestSet(model);
        if (target === 'aws-lambda') {
          requests.push({ name: 'direct invoke', event: JSON.parse(requests[0].body!) }, { name: 'direct invoke, bad request', event: { inputs: {} } });
        }
        const real = await realAnswers(target, b, requests);
        const emulated = await emulatorAnswers(target, b, requests);
        assertSame(`${target} ${name}`, requests, real, emulated);
        // sanity: the valid request answered 200 with outputs, bad ones 4xx
        const first = real[0] as { status?: number; body?: { outputs?: unknown; body?: { outputs?: unknown } } };
        assert.is(first.status, 200, JSON.stringify(first).slice(0, 300));
        assert.ok(first.body?.outputs ?? first.body?.body?.outputs, 'outputs in the valid answer');
      } finally {
        cleanup(b);
      }
    });
  }

  testIf(test, missing, `${target}: every input dtype the model declares answers 200 (TF.js uint8 + int32; ONNX uint8/int32/int64/bool)`, async () => {
    const work = freshTmp('dlpack-parity-models-');
    try {
      const models: [string, unknown, number[], string][] = [
        [await writeUint8Tfjs(work), UINT8_TFJS_REQUEST, UINT8_TFJS_ANSWER, 'sum'],
        [await writeDtypesOnnx(work), DTYPES_REQUEST, DTYPES_ANSWER, 'out'],
      ];
      for (const [model, request, answer, output] of models) {
        const b = await bundleAndUnzip(model, target);
        try {
          const requests = [{ name: 'valid', body: JSON.stringify(request) }];
          const real = await realAnswers(target, b, requests);
          const emulated = await emulatorAnswers(target, b, requests);
          assertSame(`${target} ${model}`, requests, real, emulated);
          const r = real[0] as { status?: number; body: { outputs?: Record<string, { data: number[] }>; body?: { outputs?: Record<string, { data: number[] }> } } };
          assert.is(r.status, 200, JSON.stringify(r).slice(0, 400));
          assert.equal((r.body.outputs ?? r.body.body?.outputs)![output].data, answer);
        } finally {
          cleanup(b);
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
