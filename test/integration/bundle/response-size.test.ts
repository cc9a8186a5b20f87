/** The size report's answer estimate (output shapes × JSON bytes per element) and the Workers plan notes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkResponseSize, estimateResponseBytes } from '../../../src/bundle/response-size.js';
import { checkLimits, planNotes } from '../../../src/bundle/size-report.js';
import { getPlatform } from '../../../src/platforms/index.js';

test('the answer estimate: elements × bytes per element by dtype, a symbolic batch as 1, unknown rank left out', () => {
  const small = estimateResponseBytes([{ name: 'probabilities', dtype: 'float32', shape: ['batch', 4] }]);
  assert.ok(small.symbolic);
  assert.ok(small.bytes > 4 * 18 && small.bytes < 400, String(small.bytes));
  const big = estimateResponseBytes([{ name: 'boxes', dtype: 'float32', shape: [1, 100_000, 4] }, { name: 'classes', dtype: 'int64', shape: [1, 100_000] }]);
  assert.ok(big.bytes > 100_000 * 4 * 18 + 100_000 * 4, String(big.bytes));
  assert.equal(estimateResponseBytes([{ name: 'x', dtype: 'float32', shape: null }]).unknown, ['x']);
  // the real encoding of float32 values is in that range (a float32 widened to float64 prints ~18 characters)
  const values = Array.from({ length: 1000 }, (_, i) => Math.fround(Math.sin(i + 1)));
  const perElement = JSON.stringify(values).length / values.length;
  assert.ok(perElement > 15 && perElement < 22, String(perElement));
  // the compact estimate is the base64 length of the bytes
  const compact = estimateResponseBytes([{ name: 'x', dtype: 'float32', shape: [300_000] }], 'base64').bytes;
  assert.ok(Math.abs(compact - Buffer.from(new Float32Array(300_000).buffer).toString('base64').length) < 400, String(compact));
});

test('over the limit: a FAIL row and a note naming the platform\'s error (Lambda: Function.ResponseSizeTooLarge)', () => {
  const lambda = checkResponseSize(getPlatform('aws-lambda'), [{ name: 'wave', dtype: 'float32', shape: [1_000_000] }]);
  assert.is(lambda.check!.pass, false);
  assert.match(lambda.notes.join('\n'), /Function\.ResponseSizeTooLarge/);
  // 1,000,000 float32: ~18 MB of JSON, ~5.3 MB as base64 (under Lambda's 6 MB)
  assert.match(lambda.notes.join('\n'), /compact encoding \("encoding": "base64"\) get about 5\.\d+ MB, which fits/);
  const huge = checkResponseSize(getPlatform('aws-lambda'), [{ name: 'wave', dtype: 'float32', shape: [2_000_000] }]);
  assert.match(huge.notes.join('\n'), /even the compact encoding \("encoding": "base64"\) would be about 10\.\d+ MB/);
  const vercel = checkResponseSize(getPlatform('vercel'), [{ name: 'wave', dtype: 'float32', shape: [300_000] }]);
  assert.is(vercel.check!.pass, false, 'about 5.4 MB is over Vercel\'s 4.5 MB');
  assert.match(vercel.notes.join('\n'), /FUNCTION_PAYLOAD_TOO_LARGE/);
  assert.is(checkResponseSize(getPlatform('gcp-functions'), [{ name: 'wave', dtype: 'float32', shape: [300_000] }]).check!.pass, true);
});

test('Workers: the size check names the plan it assumed; the Free plan\'s 3 MB and the start-up limit are said', () => {
  const workers = getPlatform('cloudflare-workers');
  const rows = checkLimits(workers, { unzippedBytes: 9e6, gzipBytes: 3.8 * 1024 * 1024 });
  assert.equal(rows.map((r) => [r.limit, r.pass]), [['gzip (all modules), Paid plan', true]]);
  const notes = planNotes(workers, { unzippedBytes: 9e6, gzipBytes: 3.8 * 1024 * 1024 }, { modelLoadsOnFirstRequest: true });
  assert.match(notes[0], /Paid plan \(10\.00 MB gzip\); over the Free plan's 3\.00 MB: deploys on the Paid plan only/);
  assert.match(notes[1], /global scope must finish within 1000 ms/);
  assert.match(planNotes(workers, { unzippedBytes: 1e6, gzipBytes: 1e6 })[0], /within the Free plan's/);
  assert.equal(planNotes(getPlatform('aws-lambda'), { unzippedBytes: 1e6, zipBytes: 1e6 }), []);
});

test.run();
