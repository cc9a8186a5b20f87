/**
 * One renderer per report kind: what a command prints and what `dlpack report <its --json file>`
 * prints are the same bytes. Commands that need no child process run here for real (inspect,
 * platforms, check --from, quantize in process with onnxruntime-node); bundle, bench and init run
 * in same-output-cli.test.ts. Every kind is also read back by `dlpack report` and rendered by the
 * same function as its command, piped (every column) and on an 80-column terminal (fitted).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Inspect from '../../../commands/inspect.js';
import Platforms from '../../../commands/platforms.js';
import Check from '../../../commands/check.js';
import Quantize from '../../../commands/quantize.js';
import Report from '../../../commands/report.js';
import { ROOT, runCommand } from '../../helpers/cli.js';
import { renderHuman } from '../../../src/report/kinds/index.js';
import type { AnyReport, InitReport, InspectReport, PlatformsReport, TransformReport, CheckReport } from '../../../src/core/reports/schemas.js';
import { benchReport, bundleReport, transformReport } from '../../helpers/report-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dlpack-same-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const MLP = join(ROOT, 'fixtures/models/mlp.onnx');

function save(name: string, report: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(report, null, 2));
  return file;
}

/** `dlpack report <file>` in process; its stdout. */
async function reportOf(file: string, ...flags: string[]): Promise<string> {
  const r = await runCommand(Report, [file, ...flags]);
  assert.is(r.exitCode, 0, String(r.error));
  return r.stdout;
}

/** Runs `fn` as if stdout were a terminal `columns` wide. */
async function onTerminal<T>(columns: number, fn: () => Promise<T>): Promise<T> {
  const out = process.stdout as { isTTY?: boolean; columns?: number };
  const saved = { isTTY: out.isTTY, columns: out.columns };
  Object.assign(out, { isTTY: true, columns });
  try {
    return await fn();
  } finally {
    Object.assign(out, saved);
  }
}

const widest = (text: string) => Math.max(...text.split('\n').filter((l) => /^[┌│├└]/.test(l)).map((l) => [...l].length));

test('inspect: `dlpack inspect` and `dlpack report inspect.json` print the same bytes', async () => {
  const run = await runCommand<InspectReport>(Inspect, [MLP]);
  assert.is(run.exitCode, 0, String(run.error));
  const file = save('inspect.json', run.result);
  assert.match(run.stdout, /format: +onnx/);
  assert.is(await reportOf(file), run.stdout);
});

test('platforms: the same bytes piped, with --sources/--verbose, and on an 80-column terminal', async () => {
  const run = await runCommand<PlatformsReport>(Platforms, []);
  const file = save('platforms.json', run.result);
  assert.is(await reportOf(file), run.stdout);
  assert.match(run.stdout, /50\.00 MB zip/, 'Lambda\'s zip limit in the one convention');
  const sources = await runCommand(Platforms, ['--sources']);
  assert.is(await reportOf(file, '--verbose'), sources.stdout);
  const narrow = await onTerminal(80, () => runCommand(Platforms, []));
  const narrowReport = await onTerminal(80, () => reportOf(file));
  assert.is(narrowReport, narrow.stdout);
  assert.ok(widest(narrow.stdout) <= 80, `table ${widest(narrow.stdout)} columns wide`);
  assert.ok(widest(run.stdout) > 80, 'piped: every column');
  assert.match(narrow.stdout, /\((not shown to fit 80 columns: [^;]*|\d+ columns? not shown to fit 80 columns); --verbose, a pipe or --json show (it|them)\)/);
});

test('check: `dlpack check --from …` and `dlpack report check.json` print the same bytes', async () => {
  const bench = save('bench.json', benchReport());
  const bundle = save('bundle.json', bundleReport());
  const config = save('dlpack.config.json', { models: [{ model: 'mlp.onnx', memory: [512, 1024], budgets: { zipped: '20 MB', warmP50: '50 ms', peakMemory: '80%' } }] });
  const run = await runCommand<CheckReport>(Check, ['--from', bundle, '--from', bench, '-c', config]);
  assert.is(run.exitCode, 0, `${run.stdout}\n${String(run.error)}`);
  assert.match(run.stdout, /≤ 20\.00 MB/);
  assert.is(await reportOf(save('check.json', run.result)), run.stdout);
});

test('transform: `dlpack quantize` (onnxruntime-node in process) and `dlpack report quant.json` print the same bytes', async () => {
  const run = await runCommand<TransformReport>(Quantize, [MLP, '--mode', 'int8-dynamic', '-o', join(dir, 'mlp.int8.onnx'), '--runs', '3']);
  assert.is(run.exitCode, 0, String(run.error));
  assert.match(run.stdout, /quantize int8-dynamic: .*mlp\.onnx → .*mlp\.int8\.onnx/);
  assert.match(run.stdout, /inputs: +/, 'issue 10: where the inputs came from');
  assert.is(await reportOf(save('quant.json', run.result)), run.stdout);
});

const init: InitReport = {
  schema: 'dlpack.init/1',
  config: join(process.cwd(), 'dlpack.config.json'),
  model: 'mlp.onnx',
  target: 'aws-lambda',
  memoryMb: [1024],
  budgets: { zipped: '19 MB', warmP50: '6.2 ms', peakMemory: '130 MB' },
  basis: { zipped: { measured: 17_834_512, headroom: 0.1, unit: 'bytes' }, warmP50: { measured: 4.14, headroom: 0.2, floor: true, unit: 'ms', memoryMb: 1024 } },
  estimate: 'stable',
  measured: { zipBytes: 17_834_512, unzippedBytes: 47_212_877, configurations: [{ memoryMb: 1024, initP50Ms: 313, coldP50Ms: 329, warmP50Ms: 4.14, peakMemoryMb: 112, costPerMillion: 0.283 }] },
};

test('every kind: `dlpack report` prints what its command\'s renderer prints, piped and on 80 columns', async () => {
  const kinds: [string, AnyReport][] = [['bench', benchReport()], ['bundle', bundleReport()], ['transform', transformReport()], ['init', init]];
  for (const [kind, report] of kinds) {
    const file = save(`${kind}.json`, report);
    assert.is(await reportOf(file), `${renderHuman(report)}\n`, kind);
    const narrow = await onTerminal(80, () => reportOf(file));
    assert.is(narrow, `${renderHuman(report, { width: 80, verboseFlag: '--verbose' })}\n`, `${kind} at 80 columns`);
    assert.ok(widest(narrow) <= 80, `${kind}: ${widest(narrow)} columns`);
  }
});

test('a format a kind lacks is one line naming the kind and the formats it has', async () => {
  const file = save('p.json', (await runCommand<PlatformsReport>(Platforms, [])).result);
  const r = await runCommand(Report, [file, '--format', 'junit']);
  assert.is(r.exitCode, 2);
  assert.match(String(r.stderr), /p\.json: a platforms report has no junit format/);
  const md = await runCommand(Report, [file, '--format', 'markdown']);
  assert.is(md.exitCode, 0, String(md.error));
  assert.match(md.stdout, /^### dlpack platforms/);
});

test.run();
