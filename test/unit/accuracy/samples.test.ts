/**
 * Sample files as check inputs: the preprocessing spec (flags, presets, errors), image and audio
 * decoding into the tensors each preset gives on the real samples in ../shared/samples (skipped
 * with a message when absent), .npy/.npz/JSON inputs, listing (folder, glob, links), and bad
 * sample files — each a one-line DlpackError naming the file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import wavefile from 'wavefile';
import yazl from 'yazl';
import { dump } from 'npyjs';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';
import type { TensorInfo } from '../../../src/core/model-description.js';
import { buildSpec, parsePreprocessFlags, PRESETS } from '../../../src/accuracy/samples/preprocess-spec.js';
import { resizeBilinear } from '../../../src/accuracy/samples/image-tensor.js';
import { loadSampleFeeds } from '../../../src/accuracy/samples/sample-feeds.js';
import { listSampleFiles } from '../../../src/accuracy/samples/list-sample-files.js';
import { SHARED } from '../../helpers/cli.js';
import { missingPath, testIf } from '../../helpers/skip.js';
import { tempDir } from '../../helpers/transform-helpers.js';

const SAMPLES = join(SHARED, 'samples');
const noSamples = missingPath(SAMPLES, 'the real samples of ../shared');
const tmp = tempDir('dlpack-samples-');
test.after(() => tmp.cleanup());

const image = (name = 'x', shape: (number | string | null)[] = ['N', 3, 'H', 'W']): TensorInfo => ({ name, dtype: 'float32', shape });
const preset = (name: string) => parsePreprocessFlags([name])!;

/** Runs `f`, expects a DlpackError whose one line names `file` and matches `re`. */
async function rejects(f: () => Promise<unknown>, file: string, re: RegExp): Promise<DlpackError> {
  const err = await f().then(() => undefined, (e: unknown) => e);
  assert.instance(err, DlpackError, `expected a DlpackError for ${file}`);
  const line = (err as DlpackError).oneLine();
  assert.not.match(line, /\n/, 'one line');
  assert.ok(line.includes(file), `names the file: ${line}`);
  assert.match(line, re);
  return err as DlpackError;
}

test('--preprocess flags: presets, key=value overrides, size=HxW, fractions; unknown keys and presets are one-line errors', () => {
  const s = parsePreprocessFlags(['imagenet', 'size=224x224', 'layout=nhwc', 'scale=1/255'])!;
  assert.is(s.preset, 'imagenet');
  assert.equal([s.height, s.width, s.layout], [224, 224, 'NHWC']);
  assert.ok(Math.abs(s.scale! - 1 / 255) < 1e-12);
  assert.equal(s.mean, PRESETS.imagenet.spec.mean);
  assert.equal(parsePreprocessFlags(['[-1,1]', 'channels=bgr', 'keep-aspect=true', 'max-windows=3'])!.channels, 'BGR');
  assert.is(parsePreprocessFlags(['audio;window=256'])!.window, 256);
  assert.throws(() => parsePreprocessFlags(['sizee=3x3']), /--preprocess: Unknown option "sizee" \(did you mean "size"\?|Unknown option "sizee"/);
  assert.throws(() => parsePreprocessFlags(['meen=1']), /Unknown option "meen" \(did you mean "mean"\?\)/);
  assert.throws(() => parsePreprocessFlags(['resnet']), /unknown preset "resnet"/);
  assert.throws(() => parsePreprocessFlags(['mean=0.5,0.5']), /mean needs 1 or 3 values/);
  assert.throws(() => parsePreprocessFlags(['std=0']), /std must not be 0/);
  assert.throws(() => parsePreprocessFlags(['layout=CHW']), /layout must be NCHW or NHWC/);
  const cfg = (() => {
    try {
      buildSpec({ preset: 'imagenet', hieght: 3 }, { where: 'models[0].preprocess', file: 'dlpack.config.json' });
    } catch (e) {
      return e as DlpackError;
    }
  })()!;
  assert.is(cfg.code, 'CONFIG');
  assert.match(cfg.oneLine(), /^dlpack\.config\.json: models\[0\]\.preprocess: Unknown option "hieght" \(did you mean "height"\?\)/);
});

test('bilinear resize is OpenCV INTER_LINEAR (half-pixel centres, clamped edges)', () => {
  // one row [0, 200] → 4 columns: x = 0 → clamp 0; 0.25 → 50; 0.75 → 150; 1.25 → clamp 200
  const src = Uint8Array.of(0, 0, 0, 200, 200, 200);
  const out = resizeBilinear(src, 1, 2, 1, 4);
  assert.equal(Array.from(out.filter((_, i) => i % 3 === 0)), [0, 50, 150, 200]);
  const down = resizeBilinear(Uint8Array.from({ length: 4 * 3 }, (_, i) => Math.floor(i / 3) * 10), 1, 4, 1, 2);
  assert.equal(Array.from(down.filter((_, i) => i % 3 === 0)), [5, 25]);
});

testIf(test, noSamples, 'text lines through each PaddleOCR preset: shapes, value ranges and channel order as PaddleOCR feeds them', async () => {
  const lines = join(SAMPLES, 'text-lines');
  const cls = await loadSampleFeeds([image()], { samples: lines, preprocess: preset('paddleocr-cls') });
  assert.is(cls.feeds.length, 6);
  assert.equal(cls.feeds[0].x.shape, [1, 3, 48, 192]);
  const rec = await loadSampleFeeds([image('x', ['N', 3, 48, 'W'])], { samples: lines, preprocess: preset('paddleocr-rec') });
  assert.equal(rec.feeds[0].x.shape, [1, 3, 48, 192]);
  const det = await loadSampleFeeds([image()], { samples: lines, preprocess: preset('paddleocr-det') });
  assert.equal(det.feeds[0].x.shape, [1, 3, 64, 192], 'sides rounded to multiples of 32 (48 → 64)');
  assert.match(det.description.summary, /6 file\(s\) from .* → 6 input set\(s\); x ← images \[1,3,64,192\]; preprocessing: preset paddleocr-det/);
  // (x/255 − 0.5)/0.5 in BGR: pixel (0,0) of line0.png decoded independently
  const png = PNG.sync.read(readFileSync(join(lines, 'line0.png')));
  const [r, g, b] = [png.data[0], png.data[1], png.data[2]];
  const x = cls.feeds[0].x.data as Float32Array;
  const plane = 48 * 192;
  assert.ok(Math.abs(x[0] - (b / 255 - 0.5) / 0.5) < 1e-6 && Math.abs(x[plane] - (g / 255 - 0.5) / 0.5) < 1e-6 && Math.abs(x[2 * plane] - (r / 255 - 0.5) / 0.5) < 1e-6);
  for (const v of x) assert.ok(v >= -1 && v <= 1);
  // a fixed-size model input decides the size; NHWC is read from the shape
  const nhwc = await loadSampleFeeds([image('img', [1, 32, 32, 3])], { samples: join(lines, 'line0.png'), preprocess: preset('[0,1]') });
  assert.equal(nhwc.feeds[0].img.shape, [1, 32, 32, 3]);
});

testIf(test, noSamples, 'speech through the audio preset: 512-sample windows in [-1, 1], sr = 16000, LSTM state zeros', async () => {
  const inputs: TensorInfo[] = [
    { name: 'input', dtype: 'float32', shape: ['batch', 'seq'] },
    { name: 'sr', dtype: 'int64', shape: [] },
    { name: 'h', dtype: 'float32', shape: [2, 'batch', 64] },
    { name: 'c', dtype: 'float32', shape: [2, 'batch', 64] },
  ];
  const r = await loadSampleFeeds(inputs, { samples: join(SAMPLES, 'speech', 'hello.wav'), preprocess: preset('audio') });
  const wav = new wavefile.WaveFile(readFileSync(join(SAMPLES, 'speech', 'hello.wav')));
  const n = (wav.getSamples(false, Float64Array) as unknown as Float64Array).length;
  assert.is(r.feeds.length, Math.min(100, Math.floor((n - 512) / 512) + 1));
  const f = r.feeds[0];
  assert.equal(f.input.shape, [1, 512]);
  assert.ok((f.input.data as Float32Array).every((v) => v >= -1 && v <= 1));
  assert.equal([f.sr.dtype, Number((f.sr.data as BigInt64Array)[0])], ['int64', 16000]);
  assert.equal(f.h.shape, [2, 1, 64]);
  assert.ok((f.c.data as Float32Array).every((v) => v === 0));
  assert.match(r.description.summary, /not in the samples: sr = 16000, h zeros, c zeros/);
});

test('.npy feeds the first input as saved; .npz feeds inputs by array name; an inputs JSON works as a sample too', async () => {
  const dir = join(tmp.dir, 'arrays');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.npy'), Buffer.from(dump(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3])));
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(dump(Float32Array.of(7, 8, 9, 10, 11, 12), [2, 3])), 'x.npy');
  zip.addBuffer(Buffer.from(dump(Int32Array.of(5), [1])), 'k.npy');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  writeFileSync(join(dir, 'b.npz'), Buffer.concat(chunks));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ x: { dims: [2, 3], data: [0, 0, 0, 1, 1, 1] }, k: { dims: [1], data: [2] } }));
  const inputs: TensorInfo[] = [{ name: 'x', dtype: 'float32', shape: ['n', 3] }, { name: 'k', dtype: 'int64', shape: [1] }];
  const r = await loadSampleFeeds(inputs, { samples: dir });
  assert.is(r.feeds.length, 3);
  assert.equal(Array.from(r.feeds[0].x.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(r.feeds[0].k.data as BigInt64Array, Number), [0], 'not in the .npy: zeros');
  assert.equal(Array.from(r.feeds[1].x.data as Float32Array), [7, 8, 9, 10, 11, 12]);
  assert.equal(Array.from(r.feeds[1].k.data as BigInt64Array, Number), [5]);
  assert.equal(Array.from(r.feeds[2].k.data as BigInt64Array, Number), [2]);
});

test('listing: a folder gives its sample files sorted, a glob matches without following links, links and other files are skipped', async () => {
  const dir = join(tmp.dir, 'list');
  mkdirSync(dir);
  const png = new PNG({ width: 4, height: 2 });
  png.data.fill(128);
  const bytes = PNG.sync.write(png);
  writeFileSync(join(dir, 'b.png'), bytes);
  writeFileSync(join(dir, 'a.png'), bytes);
  writeFileSync(join(dir, 'notes.txt'), 'x');
  const outside = join(tmp.dir, 'outside.png');
  writeFileSync(outside, bytes);
  symlinkSync(outside, join(dir, 'link.png'));
  const l = await listSampleFiles(dir);
  assert.equal(l.files.map((f) => f.path.split('/').pop()), ['a.png', 'b.png']);
  assert.is(l.ignored, 2);
  const g = await listSampleFiles(join(dir, '*.png'));
  assert.equal(g.files.map((f) => f.path.split('/').pop()), ['a.png', 'b.png'], 'the link is not followed');
});

test('bad sample files: one line naming the file — truncated PNG, junk image, truncated JPEG, WAV at the wrong rate, stereo WAV, truncated WAV, truncated .npy, empty folder, channel mismatch', async () => {
  const dir = join(tmp.dir, 'bad');
  mkdirSync(dir);
  const png = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) % 256;
  const good = PNG.sync.write(png);
  const truncated = join(dir, 'truncated.png');
  writeFileSync(truncated, good.subarray(0, Math.floor(good.length * 0.6)));
  await rejects(() => loadSampleFeeds([image()], { samples: truncated }), truncated, /truncated PNG/);
  const junk = join(dir, 'junk.png');
  writeFileSync(junk, 'not an image at all');
  await rejects(() => loadSampleFeeds([image()], { samples: junk }), junk, /not a PNG or JPEG image/);
  const jpg = join(dir, 'cut.jpg');
  writeFileSync(jpg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]));
  await rejects(() => loadSampleFeeds([image()], { samples: jpg }), jpg, /JPEG/);

  const audio: TensorInfo[] = [{ name: 'input', dtype: 'float32', shape: [1, 'seq'] }];
  const wav = (rate: number, channels: number) => {
    const w = new wavefile.WaveFile();
    w.fromScratch(channels, rate, '16', channels === 1 ? new Int16Array(2048) : [new Int16Array(2048), new Int16Array(2048)]);
    return Buffer.from(w.toBuffer());
  };
  const rate = join(dir, 'rate.wav');
  writeFileSync(rate, wav(44100, 1));
  await rejects(() => loadSampleFeeds(audio, { samples: rate, preprocess: preset('audio') }), rate, /sample rate is 44100 Hz, the preprocessing expects 16000 Hz/);
  const stereo = join(dir, 'stereo.wav');
  writeFileSync(stereo, wav(16000, 2));
  await rejects(() => loadSampleFeeds(audio, { samples: stereo, preprocess: preset('audio') }), stereo, /WAV has 2 channels, the model takes mono/);
  const cut = join(dir, 'cut.wav');
  writeFileSync(cut, wav(16000, 1).subarray(0, 1000));
  await rejects(() => loadSampleFeeds(audio, { samples: cut, preprocess: preset('audio') }), cut, /truncated WAV/);

  const npy = join(dir, 'cut.npy');
  writeFileSync(npy, Buffer.from(dump(Float32Array.from({ length: 64 }, (_, i) => i), [8, 8])).subarray(0, 200));
  await rejects(() => loadSampleFeeds([{ name: 'x', dtype: 'float32', shape: [8, 8] }], { samples: npy }), npy, /\.npy array|not a readable \.npy/);

  const empty = join(dir, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'readme.txt'), 'no samples here');
  await rejects(() => loadSampleFeeds([image()], { samples: empty }), empty, /no usable sample file in the folder/);

  const ok = join(dir, 'ok.png');
  writeFileSync(ok, good);
  await rejects(() => loadSampleFeeds([image('x', [1, 1, 16, 16])], { samples: ok, preprocess: preset('imagenet') }), ok, /takes 1 channel\(s\) \(NCHW\), the preprocessing gives 3 \(channels=RGB\); use --preprocess channels=gray/);
  await rejects(() => loadSampleFeeds([image('x', [1, 3, 20, 20])], { samples: ok, preprocess: parsePreprocessFlags(['size=16x16']) }), ok, /makes 16×16 \(H×W\), the model's input "x" fixes 20×20/);
  await rejects(() => loadSampleFeeds([image()], { samples: join(dir, 'nope') }), join(dir, 'nope'), /no such sample file or folder/);
});

test.run();
