/**
 * The check-to-use race in `bundle`: a weight shard (TF.js) or external-data file (ONNX) is
 * swapped for a way out of the model folder after the model was read and checked, timed from the
 * bundle's own progress ("writing the bundle" = checks done, copies next) plus 0–19 ms. Three
 * kinds of swap, in turn: the file replaced by a symbolic link to an outside file, by a hard link
 * to an outside file of the same size, and its folder replaced by a symbolic link to an outside
 * folder holding a file of the same name and size. Each run must end either refused (PATH_ESCAPE
 * / CORRUPT_MODEL) or with exactly the original bytes in the folder and the zip: 0 leaks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleModel } from '../../../src/bundle/index.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';
import { encodeModelProto } from '../../../src/formats/onnx/onnx-codec.js';
import { readOnnx } from '../../../src/formats/onnx/index.js';
import { ROOT } from '../../helpers/cli.js';
import { freshTmp, unzipTo } from '../../helpers/bundle-host.js';

const SWAPS = 21;
const work = freshTmp('dlpack-race-');
const SECRET_BYTE = 0x5a;

type SwapKind = 'symlink' | 'hardlink' | 'folder-symlink';
const KINDS: SwapKind[] = ['symlink', 'hardlink', 'folder-symlink'];

interface Case {
  model: string;
  /** The swapped file, relative to the model folder (always under w/). */
  victim: string;
  target: string;
}

/** The TF.js graph fixture with its shards moved under w/. */
function tfjsCase(dir: string): Case {
  mkdirSync(join(dir, 'w'), { recursive: true });
  const src = join(ROOT, 'fixtures/models/tfjs-graph');
  const json = JSON.parse(readFileSync(join(src, 'classifier.json'), 'utf8'));
  for (const g of json.weightsManifest) {
    for (const p of g.paths) cpSync(join(src, p), join(dir, 'w', p));
    g.paths = g.paths.map((p: string) => `w/${p}`);
  }
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify(json));
  return { model: join(dir, 'classifier.json'), victim: 'w/group1-shard1of2.bin', target: 'aws-lambda' };
}

/** The external-data MLP fixture with its data file under w/. */
async function onnxCase(dir: string): Promise<Case> {
  mkdirSync(join(dir, 'w'), { recursive: true });
  const src = join(ROOT, 'fixtures/models/mlp-external');
  const m = (await readOnnx(join(src, 'model.onnx'), { loadExternalData: false })).proto;
  for (const t of m.graph!.initializer!) for (const e of t.external_data ?? []) if (e.key === 'location') e.value = `w/${e.value}`;
  writeFileSync(join(dir, 'model.onnx'), await encodeModelProto(m));
  cpSync(join(src, 'model.onnx.data'), join(dir, 'w', 'model.onnx.data'));
  return { model: join(dir, 'model.onnx'), victim: 'w/model.onnx.data', target: 'cloudflare-workers' };
}

/** An outside folder mirroring w/ with same-size files of secret bytes. */
function makeOutside(dir: string, c: Case): string {
  const outside = join(dir, '..', `${dir.split('/').pop()}-outside`);
  mkdirSync(outside, { recursive: true });
  for (const name of readdirSync(join(dir, 'w'))) {
    const size = readFileSync(join(dir, 'w', name)).length;
    writeFileSync(join(outside, name), Buffer.alloc(size, SECRET_BYTE));
  }
  void c;
  return outside;
}

function swap(dir: string, outside: string, c: Case, kind: SwapKind): () => void {
  const victim = join(dir, c.victim);
  const name = c.victim.slice(2);
  const saved = join(dir, 'saved');
  if (kind === 'folder-symlink') {
    renameSync(join(dir, 'w'), saved);
    const link = join(dir, 'w.tmp');
    symlinkSync(outside, link);
    renameSync(link, join(dir, 'w'));
    return () => {
      unlinkSync(join(dir, 'w'));
      renameSync(saved, join(dir, 'w'));
    };
  }
  renameSync(victim, saved);
  const tmp = `${victim}.tmp`;
  if (kind === 'symlink') symlinkSync(join(outside, name), tmp);
  else linkSync(join(outside, name), tmp);
  renameSync(tmp, victim);
  return () => {
    unlinkSync(victim);
    renameSync(saved, victim);
  };
}

function containsSecret(bytes: Buffer): boolean {
  let run = 0;
  for (const b of bytes) {
    run = b === SECRET_BYTE ? run + 1 : 0;
    if (run >= 16) return true;
  }
  return false;
}

async function race(label: string, make: (dir: string) => Case | Promise<Case>) {
  const dir = join(work, label);
  mkdirSync(dir);
  const c = await make(dir);
  const outside = makeOutside(dir, c);
  const original = readFileSync(join(dir, c.victim));
  let refused = 0;
  let bundled = 0;
  const leaks: string[] = [];
  for (let i = 0; i < SWAPS; i++) {
    const kind = KINDS[i % KINDS.length];
    const delayMs = Math.floor(i / KINDS.length) * 3; // 0, 3, 6 ... 18 ms after the checks
    const out = join(work, `${label}-out-${i}`);
    let restore: (() => void) | undefined;
    let swapped: Promise<void> | undefined;
    const onProgress = (m: string) => {
      if (m !== 'writing the bundle' || swapped) return;
      swapped = new Promise((resolve) => {
        const go = () => {
          restore = swap(dir, outside, c, kind);
          resolve();
        };
        if (delayMs === 0) go();
        else setTimeout(go, delayMs);
      });
    };
    try {
      const report = await bundleModel({ model: c.model, target: c.target, out, onProgress });
      bundled++;
      const copied = readFileSync(join(out, 'model', c.victim));
      const unzipped = join(work, `${label}-unzip-${i}`);
      await unzipTo(report.zipPath!, unzipped);
      const zipped = readFileSync(join(unzipped, 'model', c.victim));
      if (containsSecret(copied) || containsSecret(zipped) || !copied.equals(original) || !zipped.equals(original)) leaks.push(`${kind} +${delayMs} ms`);
    } catch (err) {
      if (!isDlpackError(err) || !['PATH_ESCAPE', 'CORRUPT_MODEL'].includes(err.code)) throw err;
      refused++;
      assert.not.ok(existsSync(out), 'a refused bundle leaves no folder');
    } finally {
      await swapped;
      restore?.();
    }
  }
  assert.ok(readFileSync(join(dir, c.victim)).equals(original), 'the model folder is restored');
  return { refused, bundled, leaks };
}

test(`TF.js weight shards: ${SWAPS} timed swaps, 0 leaks`, async () => {
  const r = await race('tfjs', tfjsCase);
  assert.equal(r.leaks, [], `leaked: ${r.leaks.join(', ')}`);
  assert.is(r.refused + r.bundled, SWAPS);
  assert.ok(r.refused >= 1, `a swap before the copy must be refused (refused ${r.refused}, bundled ${r.bundled})`);
});

test(`ONNX external data: ${SWAPS} timed swaps, 0 leaks`, async () => {
  const r = await race('onnx', onnxCase);
  assert.equal(r.leaks, [], `leaked: ${r.leaks.join(', ')}`);
  assert.is(r.refused + r.bundled, SWAPS);
  assert.ok(r.refused >= 1, `a swap before the copy must be refused (refused ${r.refused}, bundled ${r.bundled})`);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
