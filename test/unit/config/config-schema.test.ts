/**
 * The published JSON Schema and config validation: the schema file equals the embedded schema, a
 * real JSON Schema validator accepts good configs, and every kind of mistake names its key.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { CONFIG_SCHEMA } from '../../../src/config/config-schema.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { resolveLoaded } from '../../../src/config/resolve-budgets.js';
import { DlpackError } from '../../../src/core/errors/dlpack-error.js';

const SCHEMA_FILE = join(ROOT, 'schema', 'dlpack.config.schema.json');
// DLPACK_UPDATE_SCHEMA=1 node --import tsx test/config/config-schema.test.ts rewrites the file.
if (process.env.DLPACK_UPDATE_SCHEMA) writeFileSync(SCHEMA_FILE, JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n');

async function rejects(f: () => Promise<unknown>, check: (e: DlpackError) => boolean): Promise<void> {
  try {
    await f();
  } catch (err) {
    assert.ok(err instanceof DlpackError && check(err), String(err));
    return;
  }
  assert.unreachable('expected a rejection');
}

test('schema/dlpack.config.schema.json is the embedded schema (DLPACK_UPDATE_SCHEMA=1 refreshes it)', () => {
  const file = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  assert.equal(file, JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
});

test('package.json publishes the schema folder', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.ok(pkg.files.includes('schema'));
});

const good = {
  $schema: './node_modules/dlpack/schema/dlpack.config.schema.json',
  tolerance: '5%',
  regression: { max: '10%', level: 'warn' },
  bench: { cold: 3, warm: 10, cpu: 'scale' },
  models: [
    {
      name: 'classifier',
      model: 'models/classifier.onnx',
      targets: ['aws-lambda', 'gcp-functions'],
      memory: [512, 1024],
      runtime: 'onnxruntime-node',
      arch: 'arm64',
      budgets: {
        zipped: '45 MB',
        unzipped: { limit: '200 MiB', level: 'warn' },
        initP50: '800 ms',
        initP90: '1.2 s',
        coldP50: 1000,
        coldP90: '1.5s',
        warmP50: '50 ms',
        warmP90: '80 ms',
        warmP95: '100ms',
        warmP99: '150 ms',
        peakMemory: '80%',
        costPer1M: '$0.50',
        minCosine: 0.999,
        maxAbsError: { limit: 0.01, level: 'warn' },
      },
    },
    { model: 'other/model.json', budgets: { peakMemory: '300 MB' } },
  ],
};

async function configError(data: unknown): Promise<DlpackError> {
  try {
    await validateConfig(data, 'dlpack.config.json');
  } catch (err) {
    assert.instance(err, DlpackError);
    return err as DlpackError;
  }
  throw new Error('expected a config error');
}

test('a full config validates and resolves to numbers in each unit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-config-'));
  try {
    writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify(good));
    const loaded = await loadConfig({ cwd: dir });
    const r = resolveLoaded(loaded);
    assert.is(r.tolerance, 0.05);
    assert.equal(r.regression, { max: 0.1, level: 'warn' });
    const m = r.models[0];
    assert.is(m.model, join(dir, 'models/classifier.onnx'));
    assert.is(m.arch, 'arm64');
    const by = Object.fromEntries(m.budgets.map((b) => [b.key, b]));
    assert.is(by.zipped.limit, 45 * 1024 * 1024, '"45 MB" is binary (47,185,920 bytes), as the platforms count');
    assert.is(by.unzipped.limit, 200 * 1024 * 1024);
    assert.is(by.unzipped.level, 'warn');
    assert.is(by.initP90.limit, 1200);
    assert.is(by.coldP50.limit, 1000);
    assert.is(by.coldP90.limit, 1500);
    assert.is(by.peakMemory.limit, 0.8);
    assert.is(by.peakMemory.ofMemory, true);
    assert.is(by.costPer1M.limit, 0.5);
    assert.is(by.maxAbsError.level, 'warn');
    const other = r.models[1];
    assert.is(other.name, 'model');
    assert.equal(other.targets, ['aws-lambda']);
    assert.is(other.budgets[0].limit, 300);
    assert.is(other.budgets[0].ofMemory, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown keys are rejected by name at every level', async () => {
  let e = await configError({ ...good, modles: [] });
  assert.match(e.message, /^Unknown option "modles" \(did you mean "models"\?\)/);
  e = await configError({ models: [{ model: 'a.onnx', memroy: [512] }] });
  assert.match(e.message, /Unknown option "memroy" in models\[0\] \(did you mean "memory"\?\)/);
  assert.match(e.hint!, /^example: \{"model": "model\.onnx"/);
  e = await configError({ models: [{ model: 'a.onnx', budgets: { warmP50: { limit: '5 ms', severity: 'warn' } } }] });
  assert.match(e.message, /Unknown option "severity" in models\[0\]\.budgets\.warmP50/);
  e = await configError({ models: [{ model: 'a.onnx', budgets: { bundleSize: '1 MB' } }] });
  assert.match(e.message, /Unknown option "bundleSize" in models\[0\]\.budgets$/);
});

test('bad values name the key and show an example for it', async () => {
  let e = await configError({ models: [{ model: 'a.onnx', budgets: { zipped: '45 megs' } }] });
  assert.match(e.message, /invalid value "45 megs" for models\[0\]\.budgets\.zipped/);
  assert.match(e.hint!, /"zipped": "45 MB"/);
  e = await configError({ models: [{ model: 'a.onnx', budgets: { costPer1M: '50 cents' } }] });
  assert.match(e.message, /budgets\.costPer1M/);
  assert.match(e.hint!, /"\$0\.50"/);
  e = await configError({ models: [{ model: 'a.onnx', targets: ['aws-lamda'] }] });
  assert.match(e.message, /invalid value "aws-lamda" for models\[0\]\.targets\[0\] \(one of "aws-lambda"/);
  e = await configError({ models: [{ model: 'a.onnx', budgets: { warmP50: { limit: '5 ms', level: 'fatal' } } }] });
  assert.match(e.message, /models\[0\]\.budgets\.warmP50\.level \(one of "error", "warn"\)/);
  e = await configError({ models: [{ model: 'a.onnx', memory: [100000] }] });
  assert.match(e.message, /models\[0\]\.memory\[0\]/);
  e = await configError({ models: [] });
  assert.match(e.message, /for models$/);
});

test('missing required keys are named', async () => {
  let e = await configError({});
  assert.match(e.message, /^models is required/);
  e = await configError({ models: [{ targets: ['aws-lambda'] }] });
  assert.match(e.message, /^models\[0\]\.model is required/);
  assert.is(e.exitCode, 2);
});

test('package.json "dlpack" key; explicit --config paths; missing files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-config-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', dlpack: { models: [{ model: 'm.onnx' }] } }));
    const loaded = await loadConfig({ cwd: dir });
    assert.is(loaded.file, join(dir, 'package.json'));
    writeFileSync(join(dir, 'custom.json'), JSON.stringify({ models: [{ model: 'n.onnx', budgets: { zipped: '1 MB' } }] }));
    assert.is((await loadConfig({ cwd: dir, explicit: 'custom.json' })).config.models[0].model, 'n.onnx');
    await rejects(() => loadConfig({ cwd: dir, explicit: 'nope.json' }), (e) => e.code === 'CONFIG' && e.file === 'nope.json');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x' }));
    await rejects(() => loadConfig({ cwd: dir }), (e) => /no dlpack\.config\.json/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
