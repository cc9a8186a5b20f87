/**
 * `dlpack init` questions: asked only on a TTY (never in CI), defaults taken on an empty answer,
 * and the answers checked (unknown target, bad memory size, missing model) before any measuring.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ttyAsk } from '../../../src/init/ask-tty.js';
import { runInit } from '../../../src/init/run-init.js';
import { starterBudgets } from '../../../src/init/starter-budgets.js';
import { roundUpNice } from '../../../src/core/units.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import { benchConfig, bundleReport } from '../../helpers/report-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-ask-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function fakeTty(answers: string[]) {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean };
  input.isTTY = true;
  const output = new PassThrough();
  let asked = '';
  output.on('data', (d) => {
    asked += d;
    // answer each question once its prompt has been written
    if (/: $/.test(String(d))) input.write(`${answers.shift() ?? ''}\n`);
  });
  return { input, output, asked: () => asked };
}

test('no TTY: nothing is asked', () => {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean };
  const t = ttyAsk(input as unknown as NodeJS.ReadStream);
  assert.is(t.ask, undefined);
  t.close();
});

test('on a TTY: questions with defaults, empty answer takes the default', async () => {
  const tty = fakeTty(['model.onnx', '']);
  const t = ttyAsk(tty.input as unknown as NodeJS.ReadStream, tty.output as unknown as NodeJS.WriteStream);
  assert.is(await t.ask!('Model file', ''), 'model.onnx');
  assert.is(await t.ask!('Target platform', 'aws-lambda'), 'aws-lambda');
  t.close();
  assert.match(tty.asked(), /Model file: Target platform \[aws-lambda\]: /);
});

async function initError(options: Parameters<typeof runInit>[0]): Promise<DlpackError> {
  try {
    await runInit({ cwd: dir, ...options });
  } catch (err) {
    assert.instance(err, DlpackError);
    return err as DlpackError;
  }
  throw new Error('expected an error');
}

test('answers are checked before anything is measured or written', async () => {
  writeFileSync(join(dir, 'm.onnx'), 'not really a model');
  const answers = (list: string[]) => async () => list.shift() ?? '';
  let e = await initError({ ask: answers(['missing.onnx']) });
  assert.match(e.oneLine(), /missing\.onnx: model not found/);
  e = await initError({ ask: answers(['m.onnx', 'aws-lamda']) });
  assert.is(e.exitCode, 2);
  assert.match(e.message, /aws-lamda/);
  e = await initError({ ask: answers(['m.onnx', 'aws-lambda', 'lots']) });
  assert.match(e.message, /cannot read memory size "lots"/);
  e = await initError({ model: 'm.onnx', memory: [64] });
  assert.is(e.exitCode, 2, e.message);
  assert.not.ok(existsSync(join(dir, 'dlpack.config.json')));
});

test('starter budgets: measurement plus headroom, rounded up, with floors for tiny timings', () => {
  const b = starterBudgets(bundleReport(), benchConfig(1024));
  assert.is(b.zipped, '19 MB', '17.01 MB (binary) + 10% = 18.7 → 19 MB');
  assert.is(b.unzipped, '50 MB', '45.03 MB + 10% = 49.5 → 50 MB');
  assert.match(b.warmP50!, /^6\.\d ms$/, 'a 4.1 ms warm p50 gets the +2 ms floor');
  assert.match(b.peakMemory!, /^1\d\d MB$/);
  assert.match(b.costPer1M!, /^\$0\.3\d*$/);
  assert.is(roundUpNice(0.199), 0.2);
  assert.is(roundUpNice(240.1), 241);
  assert.is(roundUpNice(1000), 1000);
});

test.run();
