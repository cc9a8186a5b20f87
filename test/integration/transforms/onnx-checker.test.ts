/**
 * Outside validator: what every ONNX mode writes from the fixtures passes onnx.checker
 * (python3-onnx, full_check). The same engine calls as `dlpack quantize`/`convert` with the flags
 * of test/unit/transforms/quantize-cli.test.ts; skipped when no python3 imports onnx.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { convertModel } from '../../../src/transforms/convert-model.js';
import { quantizeModel } from '../../../src/transforms/quantize-model.js';
import { ROOT } from '../../helpers/cli.js';
import { noPython, testIf } from '../../helpers/skip.js';
import { onnxChecker, tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir('dlpack-checker-');
test.after(() => tmp.cleanup());
const MLP = join(ROOT, 'fixtures/models/mlp.onnx');
const CNN = join(ROOT, 'fixtures/models/cnn.onnx');

testIf(test, noPython('onnx', 'python3-onnx'), 'every mode on the fixtures writes a model onnx.checker accepts', async () => {
  const check = { runs: 0 };
  const written = [join(tmp.dir, 'mlp.fp16.onnx'), join(tmp.dir, 'int8-weights.onnx'), join(tmp.dir, 'int8-dynamic.onnx'), join(tmp.dir, 'fp16.onnx'), join(tmp.dir, 'cnn.opt.onnx')];
  await quantizeModel({ input: MLP, output: written[0], mode: 'fp16', check });
  await quantizeModel({ input: CNN, output: written[1], mode: 'int8-weights', perChannel: true, minElements: 0, check });
  await quantizeModel({ input: MLP, output: written[2], mode: 'int8-dynamic', minElements: 0, check });
  await quantizeModel({ input: CNN, output: written[3], mode: 'fp16', keepIoTypes: false, check });
  await convertModel({ input: CNN, output: written[4], optimize: 'basic', check });
  assert.equal(onnxChecker(written), []);
});

test.run();
