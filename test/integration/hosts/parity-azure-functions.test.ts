/**
 * Azure Functions has no local host installable from the npm registry alone (Core Tools download
 * the Functions host): it stays emulated, and this file says so. The dtype models still answer 200
 * through the emulator's Azure convention (app.http registration, HttpRequest → HttpResponseInit).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { freshTmp } from '../../helpers/bundle-host.js';
import { testIf } from '../../helpers/skip.js';
import { bundleAndUnzip, cleanup, emulatorAnswers, hostMissing } from './parity.js';
import { DTYPES_ANSWER, DTYPES_REQUEST, UINT8_TFJS_ANSWER, UINT8_TFJS_REQUEST, writeDtypesOnnx, writeUint8Tfjs } from './models.js';

test('azure-functions: no real host (emulated only, said so)', () => {
  const why = hostMissing('azure-functions');
  assert.match(why!, /Core Tools cannot be installed from the npm registry alone/);
});

// counted as skipped with its reason: there is no real Azure host to compare with
testIf(test, hostMissing('azure-functions'), 'azure-functions: the real host and the emulator agree', () => {});

test('azure-functions (emulated): a TF.js uint8 input and ONNX uint8/int32/int64/bool inputs answer 200', async () => {
  const work = freshTmp('dlpack-azure-dtypes-');
  try {
    for (const [model, request, answer, output] of [
      [await writeUint8Tfjs(work), UINT8_TFJS_REQUEST, UINT8_TFJS_ANSWER, 'sum'],
      [await writeDtypesOnnx(work), DTYPES_REQUEST, DTYPES_ANSWER, 'out'],
    ] as const) {
      const b = await bundleAndUnzip(model, 'azure-functions');
      try {
        const [r] = (await emulatorAnswers('azure-functions', b, [{ name: 'valid', body: JSON.stringify(request) }])) as { status?: number; body: { outputs: Record<string, { data: number[] }> } }[];
        assert.is(r.status, 200, JSON.stringify(r).slice(0, 300));
        assert.equal(r.body.outputs[output].data, [...answer]);
      } finally {
        cleanup(b);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
