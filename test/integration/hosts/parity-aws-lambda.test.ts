/** Host parity for aws-lambda: see parity-suite.ts; and a response over Lambda's 6 MB limit. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { paritySuite } from './parity-suite.js';
import { bundleAndUnzip, cleanup, emulatorAnswers, hostMissing, realAnswers } from './parity.js';
import { writeBigOutputOnnx } from './models.js';
import { freshTmp } from '../../helpers/bundle-host.js';
import { testIf } from '../../helpers/skip.js';

paritySuite('aws-lambda');

testIf(test, hostMissing('aws-lambda'), 'aws-lambda: an answer over 6 MB fails the bundle size report and, in the RIC and the emulator alike, the invocation with Function.ResponseSizeTooLarge', async () => {
  const work = freshTmp('dlpack-parity-big-');
  try {
    const b = await bundleAndUnzip(await writeBigOutputOnnx(work), 'aws-lambda');
    try {
      const row = b.limits.find((l) => l.limit.startsWith('response'));
      assert.ok(row && !row.pass, JSON.stringify(b.limits));
      assert.ok(row!.actualBytes > 6 * 1024 * 1024);
      assert.ok(b.notes.some((n) => /Function\.ResponseSizeTooLarge/.test(n)), b.notes.join('\n'));
      const requests = [{ name: 'big answer', event: { inputs: { x: [0.5] } } }];
      const real = await realAnswers('aws-lambda', b, requests);
      const emulated = await emulatorAnswers('aws-lambda', b, requests);
      // the same error from both; the size itself differs by the digits of the answer's timing field `ms`
      for (const a of [real[0], emulated[0]] as { errorType?: string; errorMessage?: string }[]) {
        assert.is(a.errorType, 'Function.ResponseSizeTooLarge', JSON.stringify(a).slice(0, 300));
        assert.match(a.errorMessage!, /^Response payload size \(19\d{6} bytes\) exceeded maximum allowed payload size \(6291456 bytes\)\.$/);
      }
    } finally {
      cleanup(b);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
