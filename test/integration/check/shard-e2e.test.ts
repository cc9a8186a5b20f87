/**
 * Acceptance for sharded runs, end to end with the real engines and the real CLI (bin/dev.js in
 * child processes): a 2-model × 2-memory check in 3 shards, each its own process, merged with
 * `dlpack report merge`, gives the verdicts and configuration set of one unsharded run; the merged
 * report works with `check --from`, `--baseline` and every report format; a missing shard fails
 * the merge (or, with --allow-partial, a report that fails); reports of another version, run or
 * kind are refused in one line naming the file, and nothing is written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnNode, type SpawnResult } from '../../helpers/cli.js';
import { testIf } from '../../helpers/skip.js';
import type { CheckReport } from '../../../src/core/reports/schemas.js';

const TSX = import.meta.resolve('tsx');
const BIN = join(ROOT, 'bin', 'dev.js');
const dir = mkdtempSync(join(tmpdir(), 'dlpack-shards-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const dlpack = (args: string[], deadlineMs = 90_000): Promise<SpawnResult> => spawnNode(['--import', TSX, BIN, ...args], { cwd: dir, deadlineMs });
const read = (f: string): CheckReport => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const verdicts = (r: CheckReport) => r.results.map((x) => `${x.id}: ${x.status}`);
const configurations = (r: CheckReport) => [...new Set(r.results.filter((x) => x.memoryMb !== undefined).map((x) => `${x.model} ${x.target} ${x.memoryMb} MB`))].sort();
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

// Budgets far from the figures either way, so the verdicts cannot flip between two runs on a busy machine.
const CONFIG = {
  models: [
    { model: 'mlp.onnx', targets: ['aws-lambda'], memory: [512, 1024], budgets: { zipped: '50 MB', warmP50: '10 s', coldP50: '1 ms' } },
    { model: 'cnn.onnx', targets: ['aws-lambda'], memory: [512, 1024], budgets: { unzipped: '200 MB', warmP50: '10 s', peakMemory: '1 MB' } },
  ],
  bench: { cold: 1, warm: 2, maxTime: '0 s', runs: 1 },
};

const engines = ['src/bundle/index.ts', 'src/sim/run-bench.ts'].filter((f) => !existsSync(join(ROOT, f)));
const models = ['mlp.onnx', 'cnn.onnx'].map((m) => join(ROOT, 'fixtures', 'models', m));

const unavailable = engines.length ? `the engines are not in this tree: ${engines.join(', ')}` : models.some((m) => !existsSync(m)) ? 'fixtures/models not built (npm run fixtures)' : false;

testIf(test, unavailable, '3 shards in 3 processes, merged: the verdicts and configurations of one unsharded run', async () => {
  for (const m of models) copyFileSync(m, join(dir, m.split('/').pop()!));
  writeFileSync(join(dir, 'dlpack.config.json'), JSON.stringify(CONFIG, null, 2));

  const whole = await dlpack(['check', '--format', 'json', '-o', 'whole.json']);
  assert.is(whole.code, 1, whole.stderr + whole.stdout); // coldP50 and peakMemory are meant to fail
  for (const i of [1, 2, 3]) {
    const r = await dlpack(['check', '--shard', `${i}/3`, '--format', 'json', '-o', `shard-${i}.json`]);
    assert.ok(r.code === 0 || r.code === 1, `shard ${i}: ${r.code} ${r.stderr}`);
    const s = read(`shard-${i}.json`);
    assert.is(s.shard!.index, i);
    assert.is(s.shard!.total, 3);
    assert.is(s.shard!.dlpackVersion, VERSION);
    assert.is(s.shard!.fingerprint, read('shard-1.json').shard!.fingerprint);
    assert.is(s.shard!.configurations.length, 4);
    // a shard judges only its own configurations, and carries what it measured
    const mine = new Set(s.shard!.configurations.filter((c) => c.shard === i).map((c) => c.key));
    for (const row of s.results) if (row.memoryMb !== undefined) assert.ok(mine.has(`${row.model} ${row.target} ${row.memoryMb} MB`), `${row.id} judged by shard ${i}`);
    assert.ok(mine.size === 0 || s.measurements!.some((m) => m.kind === 'bench'), `shard ${i} carries its bench reports`);
  }
  const counts = [1, 2, 3].map((i) => read(`shard-${i}.json`).shard!.configurations.filter((c) => c.shard === i).length);
  assert.equal([...counts].sort(), [1, 1, 2], `4 equal configurations on 3 shards: ${counts}`);

  const merge = await dlpack(['report', 'merge', 'shard-3.json', 'shard-1.json', 'shard-2.json', '-o', 'merged.json']);
  assert.is(merge.code, 0, merge.stderr);
  assert.match(merge.stdout, /Merged 3 of 3 shard reports \(4 configurations\) into merged\.json: FAIL/);
  const merged = read('merged.json');
  const single = read('whole.json');
  assert.equal(verdicts(merged), verdicts(single));
  assert.equal(configurations(merged), configurations(single));
  assert.equal(configurations(merged), ['cnn aws-lambda 1024 MB', 'cnn aws-lambda 512 MB', 'mlp aws-lambda 1024 MB', 'mlp aws-lambda 512 MB']);
  assert.equal(merged.summary, single.summary);
  assert.is(merged.pass, false);
  assert.is(merged.merged!.missing.length, 0);
  assert.is(merged.shard, undefined);
  // the size rows are measured from identical bundles
  for (const row of merged.results.filter((r) => r.unit === 'bytes')) assert.is(row.actual, single.results.find((r) => r.id === row.id)!.actual, row.id);

  // then everything works on it as on a single run
  const again = await dlpack(['check', '--from', 'merged.json', '--baseline', 'merged.json', '--json']);
  assert.is(again.code, 1, again.stderr);
  const judged = JSON.parse(again.stdout) as CheckReport;
  assert.equal(verdicts(judged), verdicts(single));
  assert.ok(judged.results.every((r) => r.memoryMb === undefined || r.unit !== 'ms' || r.baseline), 'timing rows compared with the baseline');
  const md = await dlpack(['report', 'merged.json', '--format', 'markdown']);
  assert.is(md.code, 0, md.stderr);
  assert.match(md.stdout, /mlp · aws-lambda · 512 MB/);
  assert.match(md.stdout, /Merged from 3 of 3 shards \(4 configurations, dlpack /);
  const junit = await dlpack(['report', 'merged.json', 'whole.json', '--format', 'junit', '-o', 'junit.xml']);
  assert.is(junit.code, 0, junit.stderr);
  const failures = [...readFileSync(join(dir, 'junit.xml'), 'utf8').matchAll(/<testsuite [^>]*failures="(\d+)"/g)].map((m) => m[1]);
  assert.is(failures.length, 2);
  assert.is(failures[0], failures[1]);
  const html = await dlpack(['report', 'merged.json', '--format', 'html', '-o', 'report.html']);
  assert.is(html.code, 0, html.stderr);
});

testIf(test, unavailable, 'a missing shard is reported: merge fails naming it, or writes a failing report with --allow-partial', async () => {
  const held = read('shard-1.json').shard!.configurations.filter((c) => c.shard === 2).map((c) => c.key);
  const r = await dlpack(['report', 'merge', 'shard-1.json', 'shard-3.json', '-o', 'partial.json']);
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /shard 2 of 3 missing/);
  for (const k of held) assert.ok(r.stderr.includes(k), `names ${k}: ${r.stderr}`);
  assert.not.ok(existsSync(join(dir, 'partial.json')));

  const p = await dlpack(['report', 'merge', 'shard-1.json', 'shard-3.json', '-o', 'partial.json', '--allow-partial', '--json']);
  assert.is(p.code, 0, p.stderr);
  const partial = read('partial.json');
  assert.equal((JSON.parse(p.stdout) as CheckReport).merged, partial.merged);
  assert.is(partial.pass, false);
  assert.equal(partial.merged!.missing, [2]);
  assert.equal(partial.merged!.missingConfigurations, held);
  assert.is(partial.results.length, read('whole.json').results.length);
  const gone = partial.results.filter((x) => x.memoryMb !== undefined && held.includes(`${x.model} ${x.target} ${x.memoryMb} MB`));
  assert.ok(gone.length > 0 && gone.every((x) => x.status === 'missing' && /shard 2 of 3/.test(x.reason ?? '')), JSON.stringify(gone));
  const judged = await dlpack(['check', '--from', 'partial.json']);
  assert.is(judged.code, 1);
  assert.match(judged.stdout, /MISSING/);
  assert.match(judged.stdout, /Merged from 2 of 3 shards .*\n⚠ Shard 2 missing: not measured/);
});

testIf(test, unavailable, 'reports of another version, run, kind or a shard twice are refused in one line naming the file', async () => {
  const tamper = (name: string, edit: (r: CheckReport) => void) => {
    const r = read('shard-2.json');
    edit(r);
    writeFileSync(join(dir, name), JSON.stringify(r));
  };
  tamper('old.json', (r) => (r.shard!.dlpackVersion = '0.0.1'));
  tamper('other-run.json', (r) => (r.shard!.fingerprint = '0123456789abcdef'));
  tamper('other-split.json', (r) => (r.shard!.plan = 'fedcba9876543210'));
  const cases: [string[], RegExp][] = [
    [['shard-1.json', 'old.json', 'shard-3.json'], /old\.json: written by dlpack 0\.0\.1, but shard-1\.json by dlpack/],
    [['shard-1.json', 'other-run.json', 'shard-3.json'], /other-run\.json: from a different config, models or run options than shard-1\.json/],
    [['shard-1.json', 'other-split.json', 'shard-3.json'], /other-split\.json: split differently from shard-1\.json/],
    [['shard-1.json', 'shard-1.json', 'shard-3.json'], /shard-1\.json: shard 1\/3 given twice \(also shard-1\.json\)/],
    [['whole.json', 'shard-1.json'], /whole\.json: not a shard report/],
  ];
  for (const [files, message] of cases) {
    const r = await dlpack(['report', 'merge', ...files, '-o', 'refused.json'], 30_000);
    assert.is(r.code, 2, `${files}: ${r.code} ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.not.ok(existsSync(join(dir, 'refused.json')));
  }
});

testIf(test, unavailable, 'bench --shard: two shards of a target × memory list merge into one bench report with recommendations', async () => {
  const args = ['bench', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '512,1024', '--cold', '1', '--warm', '2', '--max-time', '0', '--json'];
  for (const i of [1, 2]) {
    const r = await dlpack([...args, '--shard', `${i}/2`]);
    assert.is(r.code, 0, r.stderr);
    writeFileSync(join(dir, `bench-${i}.json`), r.stdout);
  }
  const parts = [1, 2].map((i) => JSON.parse(readFileSync(join(dir, `bench-${i}.json`), 'utf8')));
  assert.equal(parts.map((p) => p.configurations.length).sort(), [1, 1]);
  assert.is(parts[0].shard.fingerprint, parts[1].shard.fingerprint);
  const m = await dlpack(['report', 'merge', 'bench-2.json', 'bench-1.json', '-o', 'bench.json']);
  assert.is(m.code, 0, m.stderr);
  const bench = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8'));
  assert.equal(bench.configurations.map((c: { memoryMb: number }) => c.memoryMb), [512, 1024]);
  assert.ok(bench.recommendations.length > 0);
  assert.is(bench.shard, undefined);
  assert.equal(bench.merged.shards.map((s: { index: number }) => s.index), [1, 2]);
  // a bench shard does not merge with check shards
  const mixed = await dlpack(['report', 'merge', 'bench-1.json', 'shard-1.json', '-o', 'mixed.json'], 30_000);
  assert.is(mixed.code, 2);
  assert.match(mixed.stderr, /shard-1\.json: a check shard report cannot be merged with bench shard reports \(bench-1\.json\)/);
});

testIf(test, unavailable, 'init --shards 3 writes the sharded workflow', async () => {
  const r = await dlpack(['init', '--model', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '512', '--cold', '1', '--warm', '2', '--max-time', '0', '--shards', '3', '--force']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /3 runners each run `dlpack check --shard i\/3`/);
  const wf = readFileSync(join(dir, '.github', 'workflows', 'dlpack.yml'), 'utf8');
  assert.match(wf, /shard: \[1, 2, 3\]/);
  assert.match(wf, /dlpack report merge/);
  const bad = await dlpack(['init', '--model', 'mlp.onnx', '--shards', '2', '--no-workflow', '--force'], 30_000);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /shards shape the workflow/);
});

test.run();
