/**
 * No test file skips inside a test body or registers tests only under a condition: skips are
 * decided with testIf() (test/helpers/skip.ts) so uvu counts them as skipped. The scanner is shown
 * finding each pattern on small sources first, then run on every test file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { findSkipPatterns } from '../helpers/skip-scan.js';

const rules = (src: string) => findSkipPatterns(src).map((p) => `${p.line}: ${p.rule.split(':')[0]}`);

test('scanner: an early return with a SKIP message is found', () => {
  const src = ["test('a', async () => {", "  if (!hasSharedModels) return skipMessage('a', 'absent');", '  run();', '});'].join('\n');
  assert.equal(rules(src), [
    '2: skipMessage() prints a SKIP line while the test counts as passed',
    '2: a test that returns early when something is missing counts as passed',
  ]);
  const logged = ["test('b', () => {", '  if (!cg.memoryParent) return console.log(`SKIP: cgroup: ${why}`);', '});'].join('\n');
  assert.equal(rules(logged), ['2: a hand-printed SKIP line', '2: a test that returns early when something is missing counts as passed']);
});

test('scanner: a quiet early return and a skip in the middle of a test are found', () => {
  assert.equal(rules(["testIf(test, false, 'c', () => {", '  if (!python) return;', '});'].join('\n')), ['2: a test that returns early when something is missing counts as passed']);
  assert.equal(rules(["test('d', () => {", '  step1();', "  if (!tool) return console.log('SKIP: d: no tool');", '});'].join('\n')), ['3: a hand-printed SKIP line']);
  assert.equal(rules(['for (const x of xs) {', '  if (!has(x)) continue; // skip', '}'].join('\n')), ['2: an early return commented as a skip']);
});

test('scanner: tests registered only under a condition are found, test.skip is asked to go through testIf', () => {
  const src = ['if (!CHROMIUM) {', "  console.log('no chromium');", '} else {', "  test('e', () => {", '    assert.ok(1);', '  });', '}', "test('f', () => {});"].join('\n');
  assert.equal(rules(src), ['4: a test registered only under the condition of line 1']);
  assert.equal(rules("(ready ? test : test.skip)('g', () => {});"), ['1: test.skip directly']);
});

test('scanner: testIf registrations, blocks and helpers that return after an assertion pass', () => {
  const src = [
    "const needs = firstReason(noSharedModels, noPython('onnx', 'python3-onnx'));",
    "testIf(test, needs, 'h', async () => {",
    '  await run();',
    '});',
    '{',
    "  testIf(test, noSharedModels, 'i', () => {});",
    '}',
    'function check(x: number) {',
    '  if (x > 1) return;',
    '  assert.ok(x);',
    '}',
  ].join('\n');
  assert.equal(rules(src), []);
});

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? testFiles(full) : name.endsWith('.test.ts') ? [full] : [];
  });
}

test('no test file skips in a test body or registers tests only under a condition', () => {
  const files = testFiles(join(ROOT, 'test')).filter((f) => !f.endsWith('skip-scan.test.ts'));
  assert.ok(files.length > 50, `${files.length} test files`);
  const found = files.flatMap((f) => findSkipPatterns(readFileSync(f, 'utf8')).map((p) => `${relative(ROOT, f)}:${p.line}: ${p.rule}\n    ${p.text}`));
  assert.ok(!found.length, `${found.length} skip pattern(s):\n${found.join('\n')}`);
});

test.run();
