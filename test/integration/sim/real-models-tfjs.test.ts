/** The TF.js models in ../shared/models bench end to end on aws-lambda (event generated from the inputs). */
import { test } from 'uvu';
import { noSharedModels, testIf } from '../../helpers/skip.js';
import { benchRealModel } from '../../helpers/real-models-helpers.js';
import { childProcesses, ownLeftovers } from '../../helpers/sim-helpers.js';
import * as assert from 'uvu/assert';


testIf(test, noSharedModels, 'blazeface (TF.js graph, 1×256×256×3)', async () => {
  await benchRealModel('tfjs/blazeface/blazeface.json');
});

testIf(test, noSharedModels, 'emotion (TF.js graph, 1×64×64×1)', async () => {
  await benchRealModel('tfjs/emotion/emotion.json');
});

testIf(test, noSharedModels, 'afterwards: no child process, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
