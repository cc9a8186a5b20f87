/**
 * `dlpack report --format html`: the page is self-contained (no script, no external resource,
 * a CSP that forbids fetching), and headless Chromium renders its charts with no console message:
 * the screenshot has the chart colours (series and the red budget lines), not a blank page.
 * Skips with a message where chromium is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipMessage } from '../helpers/cli.js';
import { writeReports } from '../../src/report/write-reports.js';
import { benchReport, bundleReport, transformReport } from '../check/report-fixtures.js';
import { evaluateBudgets } from '../../src/budgets/evaluate-budgets.js';
import { resolveBudgets } from '../../src/config/resolve-budgets.js';
import { countNear, decodePng, distinctColours } from './png-pixels.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'dlpack-html-'));
test.after(() => { if (!process.env.KEEP_HTML) rmSync(dir, { recursive: true, force: true }); else console.log(dir); });

/** Runs headless Chromium on a file; returns its stderr (console messages with --enable-logging). */
function screenshot(page: string, png: string, size = '1200,1600'): Promise<{ code: number | null; stderr: string }> {
  const profile = mkdtempSync(join(dir, 'profile-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
    `--screenshot=${png}`, `--window-size=${size}`, `file://${page}`,
  ];
  return new Promise((resolve) => {
    const child = spawn(CHROMIUM!, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 45_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      resolve({ code, stderr });
    });
  });
}

const consoleLines = (stderr: string) => stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));

async function htmlPage(): Promise<string> {
  const bench = benchReport(1, [512, 1024, 1769, 3008]);
  const budgets = { warmP50: '6 ms', coldP50: '700 ms', costPer1M: '$0.40', peakMemory: '80%', zipped: '45 MB' };
  const check = evaluateBudgets(resolveBudgets({ models: [{ model: 'mlp.onnx', budgets }] }), [
    { kind: 'bench', file: 'bench.json', report: bench },
    { kind: 'bundle', file: 'bundle.json', report: bundleReport() },
  ]);
  const files: Record<string, unknown> = {
    'check.json': check,
    'bench.json': bench,
    'bundle.json': bundleReport(),
    'quant.json': transformReport(),
    'dlpack.config.json': { models: [{ model: 'mlp.onnx', budgets }] },
  };
  for (const [n, v] of Object.entries(files)) writeFileSync(join(dir, n), JSON.stringify(v));
  await writeReports({ files: ['check.json', 'bench.json', 'bundle.json', 'quant.json'], format: 'html', output: 'report.html', cwd: dir, log: () => {} });
  return join(dir, 'report.html');
}

test('the HTML is one self-contained file: no script, no link, no external address', async () => {
  const html = readFileSync(await htmlPage(), 'utf8');
  assert.not.match(html, /<script|<link|<img|<iframe|@import|url\(/i);
  const addresses = [...html.matchAll(/(?:src|href)\s*=|https?:\/\/[^\s"'<)]+/gi)].map((m) => m[0]).filter((a) => a !== 'http://www.w3.org/2000/svg');
  assert.equal(addresses, []);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.is((html.match(/<svg /g) ?? []).length, 11, 'budget use, 4 bench line charts, 1 distribution, 1 contention, 3 bundle bar charts, 1 model size');
  assert.match(html, /Wall time spent waiting for a CPU other work held/);
  assert.match(html, /<th>CPU init \/ warm<\/th><th>waiting for CPU init \/ warm<\/th><th>wall cold \/ warm<\/th>/);
  assert.match(html, /<td>15% \/ 5% ⚠<\/td>/, 'contention share per configuration, flagged when material');
  assert.match(html, /class="warn-note">⚠ aws-lambda 512 MB: 15% of INIT, 14% of cold start wall time was waiting for a CPU/);
  assert.match(html, /Figures: load-robust estimate/);
  assert.match(html, /Timing and cost budgets judged on the load-robust estimate/);
  assert.match(html, /Share of each budget used/);
  assert.match(html, /budget warm p50 6 ms/);
  assert.match(html, /budget 80% of memory/);
});

if (!CHROMIUM) {
  skipMessage('HTML report in Chromium', 'chromium is not installed (apt-get install -y chromium)');
} else {
  test('the console check sees a console message (the probe page logs one)', async () => {
    const probe = join(dir, 'probe.html');
    writeFileSync(probe, '<!doctype html><p>probe</p><script>console.error("probe-error")</script>');
    const r = await screenshot(probe, join(dir, 'probe.png'), '400,300');
    assert.ok(consoleLines(r.stderr).some((l) => l.includes('probe-error')), r.stderr.slice(-2000));
  });

  test('Chromium renders the report with charts and no console message', async () => {
    const page = await htmlPage();
    const png = join(dir, 'report.png');
    const r = await screenshot(page, png, '1200,2600');
    assert.ok(existsSync(png), `no screenshot: ${r.stderr.slice(-1500)}`);
    assert.equal(consoleLines(r.stderr), []);
    const px = decodePng(readFileSync(png));
    assert.is(px.width, 1200);
    const total = px.width * px.height;
    const nonWhite = countNear(px, [255, 255, 255], 6);
    assert.ok(total - nonWhite > total * 0.05, `mostly blank: ${total - nonWhite} non-white pixels`);
    assert.ok(distinctColours(px) > 200, 'anti-aliased charts give many colours');
    assert.ok(countNear(px, [0x25, 0x63, 0xeb], 30) > 400, 'the blue warm-latency series is drawn');
    assert.ok(countNear(px, [0xdc, 0x26, 0x26], 30) > 150, 'red budget lines are drawn');
    assert.ok(countNear(px, [0xd9, 0x77, 0x06], 30) > 400, 'the amber contention bars are drawn');
  });
}

test.run();
