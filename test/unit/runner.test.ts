/**
 * What test/run.js counts for a file (test/helpers/tally.mjs): skipped tests are skipped, never
 * passed; a SKIP line without a skipped test fails the file; so do a file that registers no test,
 * a crash before uvu's summary, a non-zero exit and the deadline. The closing line always has the
 * skipped count.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closingLine, tallyFile } from '../helpers/tally.mjs';

const summary = (total: number, passed: number, skipped: number) => `\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  1.00ms\n`;

test('passed, failed and skipped are read from uvu\'s summary (colour codes too)', () => {
  const t = tallyFile({ text: `SKIP: real model: ../shared/models is absent (real models)\n• ✘ •\n${summary(3, 2, 1)}`, code: 1 });
  assert.equal([t.passed, t.failed, t.skipped, t.problems], [2, 1, 1, []]);
  assert.equal(t.skipLines, ['SKIP: real model: ../shared/models is absent (real models)']);
  const coloured = tallyFile({ text: '\x1b[32m  Total:     4\x1b[39m\n  \x1b[32mPassed:    4\x1b[39m\n  Skipped:   \x1b[33m0\x1b[39m\n', code: 0 });
  assert.equal([coloured.passed, coloured.failed, coloured.skipped], [4, 0, 0]);
});

test('a SKIP line printed by a test that then passed fails the file', () => {
  const t = tallyFile({ text: `SKIP: cgroup OOM: no delegation\n${summary(2, 2, 0)}`, code: 0 });
  assert.is(t.failed, 1);
  assert.match(t.problems[0], /1 SKIP line\(s\) but uvu counted 0 skipped: register skips with testIf\(\)/);
  const bare = tallyFile({ text: summary(1, 1, 1), code: 0 });
  assert.is(bare.failed, 1, 'a skipped test without its SKIP line');
});

test('a file that registers no test fails; one whose tests are all skipped does not', () => {
  const none = tallyFile({ text: summary(0, 0, 0), code: 0 });
  assert.equal([none.failed, none.problems], [1, ['no tests registered']]);
  const allSkipped = tallyFile({ text: `SKIP: a: absent\nSKIP: b: absent\n${summary(0, 0, 2)}`, code: 0 });
  assert.equal([allSkipped.passed, allSkipped.failed, allSkipped.skipped], [0, 0, 2]);
});

test('a crash before the summary, a non-zero exit after passing tests and the deadline fail the file', () => {
  const crash = tallyFile({ text: 'Error: unit tests start no processes: test/unit/x.test.ts called child_process.spawn("node")', code: 1 });
  assert.is(crash.failed, 1);
  assert.match(crash.problems[0], /no uvu summary/);
  const exit = tallyFile({ text: `${summary(3, 3, 0)}\nunit tests start no processes: test/unit/x.test.ts tried 1: spawn("node")\n`, code: 1 });
  assert.equal([exit.passed, exit.failed, exit.problems], [3, 1, ['exit code 1']]);
  const killed = tallyFile({ text: '• •', code: null, timedOut: true });
  assert.equal([killed.failed, killed.problems], [1, ['killed at the deadline']]);
});

test('the closing line always prints the skipped count, then the files and seconds per tier', () => {
  assert.is(closingLine({ passed: 10, failed: 0, skipped: 0 }, []), 'tests: 10 passed, 0 failed, 0 skipped');
  assert.is(
    closingLine({ passed: 480, failed: 1, skipped: 12 }, [{ name: 'unit', files: 1, seconds: 40.4 }, { name: 'integration', files: 40, seconds: 151.6 }]),
    'tests: 480 passed, 1 failed, 12 skipped (unit 1 file 40 s, integration 40 files 152 s)',
  );
});

test.run();
