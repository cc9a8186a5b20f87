import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ROOT, spawnNode } from '../helpers/cli.js';
import { noBuild, testIf } from '../helpers/skip.js';

// the sample decoders (pngjs, jpeg-js, wavefile, npyjs) load on first use too (oclif itself loads tinyglobby)
const HEAVY = /node_modules\/(onnxruntime-[a-z]+|@tensorflow|esbuild|h5wasm|protobufjs|pngjs|jpeg-js|wavefile|npyjs)\/|^cjs:(onnxruntime-[a-z]+|@tensorflow\/[a-z-]+|esbuild|h5wasm|protobufjs|pngjs|jpeg-js|wavefile|npyjs)$/;

// Runs the built CLI (bin/run.js + dist/): the dev entry loads tsx, which itself loads esbuild.

for (const argv of [['--version'], ['--help'], ['inspect', '--help'], ['quantize', '--help']]) {
  testIf(test, noBuild, `start-up of \`dlpack ${argv.join(' ')}\` imports no runtime, tfjs or esbuild`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlpack-trace-'));
    const trace = join(dir, 'trace.txt');
    try {
      const r = await spawnNode(
        ['--import', join(ROOT, 'test/helpers/import-tracer.mjs'), join(ROOT, 'bin/run.js'), ...argv],
        { env: { IMPORT_TRACE_FILE: trace } },
      );
      assert.is(r.code, 0, r.stderr);
      const loaded = readFileSync(trace, 'utf8').split('\n');
      assert.ok(loaded.length > 10, 'tracer recorded imports');
      const heavy = loaded.filter((l) => HEAVY.test(l));
      assert.equal(heavy, [], `heavy modules loaded at start-up: ${heavy.slice(0, 3).join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
