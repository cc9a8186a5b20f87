/**
 * Adding a platform is one folder: a fake sixth platform (test/fixtures/platforms/edge-faas/, with a
 * calling shape no built-in platform has) is loaded, registered, listed, bundled with its own
 * template, invoked through its own convention and benched — no file outside its folder names it.
 * The registry refuses a malformed platform with one USAGE line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPlatforms, registerPlatform, isPlatformId, type PlatformModule } from '../../../src/platforms/index.js';
import { loadPlatformFolder } from '../../../src/platforms/load-platform.js';
import { buildPlatformsReport } from '../../../src/platforms/render-platforms.js';
import { runBench } from '../../../src/sim/run-bench.js';
import { isDlpackError } from '../../../src/core/errors/dlpack-error.js';
import { freshTmp } from '../../helpers/bundle-host.js';
import { MLP, maxAbsDiff, onnxReference, sampleInput } from '../../helpers/bundle-reference.js';
import { answerOf, runContract } from '../../helpers/platform-harness.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const FIXTURE = join(ROOT, 'test', 'fixtures', 'platforms', 'edge-faas');
const work = freshTmp('dlpack-sixth-platform-');
let fixture: PlatformModule;
let unregister: () => void;

test.before(async () => {
  fixture = await loadPlatformFolder(FIXTURE);
  unregister = registerPlatform(fixture);
});
test.after(() => {
  unregister?.();
  rmSync(work, { recursive: true, force: true });
});

test('nothing outside the fixture folder names the fake platform', () => {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs|json)$/.test(e.name) && readFileSync(p, 'utf8').includes('edge-faas')) hits.push(p);
    }
  };
  for (const d of ['src', 'commands', 'schema']) walk(join(ROOT, d));
  assert.equal(hits, []);
});

test('the registered platform is listed with its sourced facts', () => {
  assert.ok(isPlatformId('edge-faas'));
  assert.ok(listPlatforms().some((p) => p.id === 'edge-faas'));
  const report = buildPlatformsReport(['edge-faas']);
  assert.is(report.platforms.length, 1);
  assert.is(report.platforms[0].package.zippedBytes?.value, 20 * 1024 * 1024);
});

test('bundled with its template, invoked through its convention: outputs as onnxruntime-node', async () => {
  const input = sampleInput(2, 16);
  const request = JSON.stringify({ inputs: { input: { dims: [2, 16], data: input } } });
  const reference = await onnxReference(MLP, 'input', [2, 16], input);
  const run = await runContract('edge-faas', MLP, join(work, 'contract'), [request, '{not json', JSON.stringify({ inputs: { nope: [[1]] } })]);
  assert.is(run.report.target, 'edge-faas');
  assert.is(run.manifest.export, 'invoke');
  assert.ok(existsSync(join(run.dir, 'platform.json')), 'the platform’s deploy file');
  const zipped = run.report.limits.find((l) => l.limit === 'zipped');
  assert.is(zipped?.limitBytes, 20 * 1024 * 1024);
  assert.is(zipped?.source, 'test fixture');
  const [ok, notJson, unknownInput] = run.results.map(answerOf);
  assert.is(ok.status, 200);
  const outputs = ok.json.outputs as Record<string, { data: number[] }>;
  for (const [name, ref] of Object.entries(reference)) assert.ok(maxAbsDiff(outputs[name].data, ref.data) <= 1e-5, name);
  assert.is(notJson.status, 400);
  assert.is(notJson.json.error, 'body is not JSON');
  assert.is(unknownInput.status, 400);
});

test('benched: one configuration at 256 MB, billed in 10 ms steps at the fixture price', async () => {
  const report = await runBench({ input: join(work, 'contract', 'out'), memory: '256', cold: 1, warm: 3, cpu: 'off', memoryLimit: 'watchdog' });
  assert.is(report.configurations.length, 1);
  const [c] = report.configurations;
  assert.is(c.target, 'edge-faas');
  assert.is(c.memoryMb, 256);
  assert.equal(c.errors, { oom: 0, timeout: 0, error: 0, messages: [] });
  assert.ok(c.billedMs > 0 && Math.abs(c.billedMs / 10 - Math.round(c.billedMs / 10)) < 1e-9, `billed ${c.billedMs} ms is a multiple of 10 ms`);
  // 0.25 GB × billed s × $0.00002 + $0.5 per million requests
  const expected = (0.25 * (c.billedMs / 1000) * 0.00002 + 0.5 / 1e6) * 1e6;
  assert.ok(Math.abs(c.costPerMillion - expected) / expected < 0.05, `cost ${c.costPerMillion} vs ${expected}`);
});

test('the registry refuses a malformed platform with one USAGE line', async () => {
  const refuse = (p: PlatformModule, text: RegExp) => {
    try {
      registerPlatform(p);
    } catch (err) {
      assert.ok(isDlpackError(err) && err.code === 'USAGE', String(err));
      assert.match((err as Error).message, text);
      assert.not.ok((err as Error).message.includes('\n'));
      return;
    }
    assert.unreachable(`registered ${p.id}`);
  };
  refuse(fixture, /already registered/);
  const renamed = (id: string): PlatformModule => ({ ...fixture, id, facts: { ...fixture.facts, id }, bundle: { ...fixture.bundle, id } });
  refuse(renamed('Edge-FaaS'), /lower-case letters/);
  const unsourced = renamed('edge-faas-2');
  unsourced.facts = { ...unsourced.facts, timeoutMs: 30_000 as unknown as typeof fixture.facts.timeoutMs };
  refuse(unsourced, /timeoutMs is a number without a source/);
});

test('a platform whose handler template lies outside its folder is refused at load', async () => {
  const dir = join(work, 'outside');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'index.js'),
    `import base from ${JSON.stringify(join(FIXTURE, 'index.ts'))};\nexport default { ...base, id: 'edge-faas-3', bundle: { ...base.bundle, handler: ${JSON.stringify(join(FIXTURE, 'handler.ts'))} } };\n`,
  );
  try {
    await loadPlatformFolder(dir);
    assert.unreachable('loaded');
  } catch (err) {
    assert.ok(isDlpackError(err), String(err));
    assert.match((err as Error).message, /bundle\.handler .* is outside the platform folder/);
  }
});

test.run();
