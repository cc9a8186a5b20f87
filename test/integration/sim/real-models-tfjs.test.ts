/** The TF.js models in ../shared/models bench end to end on aws-lambda (event generated from the inputs). */
import { test } from 'uvu';
import { hasSharedModels, skipMessage } from '../../helpers/cli.js';
import { benchRealModel } from '../../helpers/real-models-helpers.js';
import { childProcesses, ownLeftovers } from '../../helpers/sim-helpers.js';
import * as assert from 'uvu/assert';

if (!hasSharedModels) skipMessage('real TF.js model benches', '../shared/models is absent');
const run = hasSharedModels ? test : test.skip;

run('blazeface (TF.js graph, 1×256×256×3)', async () => {
  await benchRealModel('tfjs/blazeface/blazeface.json');
});

run('emotion (TF.js graph, 1×64×64×1)', async () => {
  await benchRealModel('tfjs/emotion/emotion.json');
});

run('afterwards: no child process, no cgroup left', () => {
  assert.equal(childProcesses(), []);
  assert.equal(ownLeftovers(), []);
});

test.run();
