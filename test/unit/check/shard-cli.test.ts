/**
 * The new flags' usage errors, in process (no measurement): one line, exit 2, nothing written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../helpers/cli.js';
import Check from '../../../commands/check.js';
import Bench from '../../../commands/bench.js';
import Init from '../../../commands/init.js';
import ReportMerge from '../../../commands/report/merge.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-shard-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'dlpack.config.json');
writeFileSync(config, JSON.stringify({ models: [{ model: join(dir, 'm.onnx'), budgets: { zipped: '1 MB' } }] }));
const report = join(dir, 'bundle.json');
writeFileSync(report, JSON.stringify({ schema: 'dlpack.bundle/1', target: 'aws-lambda', unzippedBytes: 1, files: [], limits: [] }));

const broken = join(dir, 'broken-shard.json');
writeFileSync(broken, JSON.stringify({ schema: 'dlpack.check/1', results: [], summary: {}, shard: { index: 4, total: 3, fingerprint: 'x', plan: 'y', dlpackVersion: '0.1.0', configurations: [] } }));

const cases: [string, { run(argv?: string[], opts?: { root: string }): Promise<unknown> }, string[], RegExp][] = [
  ['check --shard 0/3', Check, ['--config', config, '--shard', '0/3'], /--shard 0\/3: the shard must be between 1 and 3/],
  ['check --shard x', Check, ['--config', config, '--shard', 'two'], /--shard must look like i\/n/],
  ['check --shard with --from', Check, ['--config', config, '--shard', '1/2', '--from', report], /--shard splits what check measures; with --from nothing is measured/],
  ['check --shard-costs alone', Check, ['--config', config, '--shard-costs', report], /--shard-costs balances a split: give --shard i\/n too/],
  ['bench --shard-costs alone', Bench, [report, '--shard-costs', report], /--shard-costs balances a split/],
  ['bench --shard-costs not a bench report', Bench, [report, '--shard', '1/2', '--shard-costs', report], /bundle\.json: --shard-costs needs a bench report, not a bundle report/],
  ['init --shards 0', Init, ['--model', 'm.onnx', '--shards', '0'], /shards/],
  ['report merge without reports', ReportMerge, ['-o', join(dir, 'out.json')], /name the shard reports to merge/],
  ['report merge of a malformed shard report', ReportMerge, [broken, '-o', join(dir, 'out.json')], /broken-shard\.json: malformed shard report: "shard\.index"\/"shard\.total" are not a shard i of n/],
  ['report merge of a bundle report', ReportMerge, [report, '-o', join(dir, 'out.json')], /bundle\.json: a bundle report cannot be merged/],
];

for (const [name, Cmd, argv, message] of cases) {
  test(name, async () => {
    const r = await runCommand(Cmd, argv);
    assert.is(r.exitCode, 2, `${name}: ${r.stderr}${r.error}`);
    const text = r.stderr.trim();
    assert.is(text.split('\n').length, 1, text);
    assert.match(text, message);
    assert.not.ok(existsSync(join(dir, 'out.json')));
  });
}

test('report merge onto its input: one line, exit 1 (an output error), the input untouched', async () => {
  const r = await runCommand(ReportMerge, [report, '-o', report]);
  assert.is(r.exitCode, 1);
  assert.match(r.stderr.trim(), /^Error: .*bundle\.json: output path is the same as the input; choose another -o$/);
  assert.match(JSON.stringify(JSON.parse(readFileSync(report, 'utf8'))), /dlpack\.bundle\/1/);
});

test.run();
