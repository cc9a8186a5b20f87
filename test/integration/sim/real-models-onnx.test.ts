/** The ONNX models in ../shared/models bench end to end on aws-lambda: 3 memory sizes, cold 3, warm 10, < 1 min each. */
import { test } from 'uvu';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { benchRealModel } from '../../helpers/real-models-helpers.js';
import { childProcesses, ownLeftovers } from '../../helpers/sim-helpers.js';
import * as assert from 'uvu/assert';


testIf(test, noSharedModels, 'silero_vad.onnx (LSTM, If, int64 sr) with a 16 kHz request', async () => {
  const seq = 512;
  await benchRealModel('onnx/silero_vad.onnx', {
    inputs: {
      input: { dims: [1, seq], data: Array.from({ length: seq }, (_, i) => Math.sin(i / 8) * 0.1), dtype: 'float32' },
      sr: { dims: [], data: [16000], dtype: 'int64' },
      h: { dims: [2, 1, 64], data: new Array(128).fill(0), dtype: 'float32' },
      c: { dims: [2, 1, 64], data: new Array(128).fill(0), dtype: 'float32' },
    },
  });
});

testIf(test, noSharedModels, 'ppocr_cls.onnx with a 1×3×48×192 image', async () => {
  const n = 3 * 48 * 192;
  await benchRealModel('onnx/ppocr_cls.onnx', {
    inputs: { x: { dims: [1, 3, 48, 192], data: Array.from({ length: n }, (_, i) => (i % 255) / 255), dtype: 'float32' } },
  });
});

testIf(test, noSharedModels, 'afterwards: no child process, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
