/**
 * Terminal output through a real pseudo-terminal (util-linux `script`): progress is shown on a
 * TTY and cleared before results (no screen line keeps progress text), and hidden in CI by the
 * ecosystem's rules (CI=true hides it; CI=false and CI=0 do not count as CI); tables fit the
 * terminal's width (`stty cols`), leaving out columns and saying which.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { firstReason, missingTool, noBuild, testIf } from '../../helpers/skip.js';
import { benchReport } from '../../helpers/report-fixtures.js';

const needs = firstReason(missingTool('script', 'util-linux'), noBuild);

const dir = mkdtempSync(join(tmpdir(), 'dlpack-pty-'));
const MLP = join(dir, 'mlp.onnx');
copyFileSync(join(ROOT, 'fixtures/models/mlp.onnx'), MLP);

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `dlpack <args>` on a pseudo-terminal (`cols` wide when given); returns the raw bytes the terminal received and the exit code. */
function onPty(args: string[], env: Record<string, string> = {}, deadlineMs = 120_000, cols?: number): Promise<{ raw: string; code: number | null }> {
  const log = join(dir, `pty-${Math.random().toString(36).slice(2)}.log`);
  const dlpack = [process.execPath, join(ROOT, 'bin/run.js'), ...args].map(quote).join(' ');
  const cmd = cols ? `stty cols ${cols} rows 50; exec ${dlpack}` : dlpack;
  // Only what a terminal session has: no CI variables inherited from the test run.
  const clean: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir, TERM: 'xterm', COLUMNS: '120', NO_COLOR: '1', DLPACK_CACHE_DIR: join(dir, 'cache'), ...env };
  return new Promise((resolve) => {
    const child = spawn('script', ['-q', '-e', '-f', '-c', cmd, log], { cwd: dir, env: clean, stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), deadlineMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const raw = existsSync(log) ? readFileSync(log, 'utf8') : '';
      resolve({ raw: raw.replace(/^Script started.*\n/, '').replace(/\nScript done.*\n?$/, ''), code });
    });
  });
}

/** What the screen shows: carriage returns, erase-line and other CSI sequences applied. */
export function screenLines(raw: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\x1b' && raw[i + 1] === '[') {
      const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(raw.slice(i));
      if (m) {
        if (m[2] === 'K') line = m[1] === '2' ? [] : line.slice(0, col);
        i += m[0].length - 1;
        continue;
      }
    }
    if (c === '\r') col = 0;
    else if (c === '\n') {
      lines.push(line.join('').trimEnd());
      line = [];
      col = 0;
    } else {
      line[col++] = c;
    }
  }
  if (line.length) lines.push(line.join('').trimEnd());
  return lines;
}

const PROGRESS = /\(\d+\.\d s\)/;

test('screenLines applies \\r and erase-line like a terminal', () => {
  assert.equal(screenLines('\r\x1b[2Kworking (0.1 s)\r\x1b[2Kresult\n'), ['result']);
  assert.equal(screenLines('\r\x1b[2Kworking (0.1 s)result\n'), ['working (0.1 s)result']);
});

const runs: [string, string[]][] = [
  ['quantize', ['quantize', MLP, '--mode', 'int8-dynamic', '-o', join(dir, 'mlp.int8.onnx'), '--runs', '5']],
  ['convert', ['convert', MLP, '--optimize', 'basic', '-o', join(dir, 'mlp.opt.onnx'), '--runs', '5']],
  ['bench', ['bench', MLP, '--target', 'aws-lambda', '--memory', '512', '--cold', '1', '--warm', '2']],
  ['init', ['init', '--model', 'mlp.onnx', '--target', 'aws-lambda', '--memory', '512', '--cold', '1', '--warm', '2', '--no-workflow']],
];

for (const [name, args] of runs) {
  testIf(test, needs, `${name} on a terminal: progress shown, then cleared before the results (no screen line keeps it)`, async () => {
    const r = await onPty(args);
    assert.is(r.code, 0, r.raw.slice(-2000));
    assert.ok(r.raw.includes('\x1b[2K') && PROGRESS.test(r.raw), 'progress was drawn on the terminal');
    const lines = screenLines(r.raw);
    const left = lines.filter((l) => PROGRESS.test(l));
    assert.equal(left, [], `progress text left on screen:\n${left.join('\n')}`);
    assert.ok(lines.filter(Boolean).length > 2, 'results printed');
  });
}

for (const [ci, shown] of [['true', false], ['1', false], ['false', true], ['0', true]] as const) {
  testIf(test, needs, `CI=${ci}: progress ${shown ? 'shown' : 'hidden'} on a terminal`, async () => {
    const out = join(dir, `b-${ci}`);
    const r = await onPty(['bundle', MLP, '--target', 'aws-lambda', '-o', out], { CI: ci });
    assert.is(r.code, 0, r.raw.slice(-1000));
    assert.is(PROGRESS.test(r.raw), shown, r.raw.slice(0, 500));
  });
}

testIf(test, needs, 'a CI vendor variable without CI (GITHUB_ACTIONS=true) counts as CI', async () => {
  const r = await onPty(['bundle', MLP, '--target', 'aws-lambda', '-o', join(dir, 'b-gha')], { GITHUB_ACTIONS: 'true' });
  assert.is(r.code, 0, r.raw.slice(-1000));
  assert.not.ok(PROGRESS.test(r.raw));
});

/** Table lines (box drawing) on the screen and the widest of them. */
const tableWidth = (lines: string[]) => Math.max(0, ...lines.filter((l) => /^[┌│├└]/.test(l)).map((l) => [...l].length));

for (const [name, cols, args] of [
  ['platforms', 70, ['platforms']],
  ['report of a bench', 100, ['report', 'bench.json']],
  ['inspect', 50, ['inspect', MLP]],
] as const) {
  testIf(test, needs, `${name} on a ${cols}-column terminal: every table line fits, what was left out is named`, async () => {
    writeFileSync(join(dir, 'bench.json'), JSON.stringify(benchReport()));
    const r = await onPty([...args], {}, 60_000, cols);
    assert.is(r.code, 0, r.raw.slice(-2000));
    const lines = screenLines(r.raw);
    assert.ok(tableWidth(lines) > 0, 'a table was printed');
    assert.ok(tableWidth(lines) <= cols, `table ${tableWidth(lines)} columns wide on a ${cols}-column terminal:\n${lines.join('\n')}`);
    if (name !== 'inspect') assert.ok(lines.some((l) => l.includes(`not shown to fit ${cols} columns`)), 'the note says what was left out');
  });
}

testIf(test, needs, 'the same table piped (no terminal) has every column', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'platforms'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  assert.is(r.status, 0, r.stderr);
  assert.ok(tableWidth(r.stdout.split('\n')) > 100, 'piped: the whole table');
  assert.not.match(r.stdout, /not shown to fit/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
