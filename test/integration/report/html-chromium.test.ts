/**
 * `dlpack report --format html`: the page is self-contained (no script, no external resource,
 * a CSP that forbids fetching), and headless Chromium renders its charts with no console message:
 * the screenshot has the chart colours (series and the red budget lines), not a blank page; and
 * no two labels of a chart overlap — Chromium lays the page out and a script in a test copy of it
 * reports every <text> box (getBoundingClientRect), with budgets that crowd one another on one
 * memory size (issue 14: "budget cold start p50" drawn on top of "budget init p50" and two more).
 * Skips with a message where chromium is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testIf } from '../../helpers/skip.js';
import { writeReports } from '../../../src/report/write-reports.js';
import { benchReport, bundleReport, transformReport } from '../../helpers/report-fixtures.js';
import { evaluateBudgets } from '../../../src/budgets/evaluate-budgets.js';
import { resolveBudgets } from '../../../src/config/resolve-budgets.js';
import { countNear, decodePng, distinctColours } from '../../helpers/png-pixels.js';

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

/** Headless Chromium's DOM after the page loaded (scripts run), or its stderr when it failed. */
function dumpDom(page: string): Promise<{ code: number | null; dom: string; stderr: string }> {
  const profile = mkdtempSync(join(dir, 'profile-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--window-size=1200,2600', '--dump-dom', `file://${page}`,
  ];
  return new Promise((resolve) => {
    const child = spawn(CHROMIUM!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let dom = '';
    let stderr = '';
    child.stdout.on('data', (d) => (dom += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 45_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      resolve({ code, dom, stderr });
    });
  });
}

interface Box { cls: string; text: string; x: number; y: number; w: number; h: number }
interface ChartBoxes { title: string; texts: Box[]; budgetLines: { x: number; w: number }[]; points: { title: string; x: number }[] }

/**
 * Every chart's text boxes, budget lines and points as Chromium lays them out: the page is copied
 * with its CSP (which forbids scripts) removed and a script appended that writes the boxes into
 * the DOM as base64 JSON; `--dump-dom` prints the DOM after load.
 */
async function measureCharts(page: string): Promise<ChartBoxes[]> {
  const probe = `<script>
const rect = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
const charts = [...document.querySelectorAll('svg.chart')].map((svg) => ({
  title: svg.querySelector('title').textContent,
  texts: [...svg.querySelectorAll('text')].map((t) => ({ cls: t.getAttribute('class') || '', text: t.textContent, ...rect(t) })),
  budgetLines: [...svg.querySelectorAll('line.budget')].map((l) => { const r = rect(l); return { x: r.x, w: r.w }; }),
  points: [...svg.querySelectorAll('circle')].map((c) => { const r = rect(c); return { title: c.querySelector('title')?.textContent || '', x: r.x + r.w / 2 }; }),
}));
const out = document.createElement('pre');
out.id = 'dlpack-boxes';
out.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(charts))));
document.body.appendChild(out);
</script>`;
  const copy = page.replace(/\.html$/, '.measure.html');
  writeFileSync(copy, readFileSync(page, 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${probe}</body>`));
  const r = await dumpDom(copy);
  const m = r.dom.match(/<pre id="dlpack-boxes">([A-Za-z0-9+/=]+)<\/pre>/);
  assert.ok(m, `no measurements from Chromium (exit ${r.code}): ${r.stderr.slice(-1500)}`);
  return JSON.parse(Buffer.from(m![1], 'base64').toString('utf8'));
}

/** Pairs of text boxes in one chart that overlap by more than half a pixel each way. */
function overlaps(c: ChartBoxes): string[] {
  const out: string[] = [];
  const t = c.texts.filter((b) => b.w > 0 && b.h > 0);
  for (let i = 0; i < t.length; i++) {
    for (let k = i + 1; k < t.length; k++) {
      const a = t[i];
      const b = t[k];
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > 0.5 && dy > 0.5) out.push(`${c.title}: "${a.text}" (${a.cls}) overlaps "${b.text}" (${b.cls}) by ${dx.toFixed(1)}×${dy.toFixed(1)} px`);
    }
  }
  return out;
}

/** A bench at four memory sizes, with budgets a few ms apart that apply to 1024 MB only. */
async function crowdedPage(): Promise<string> {
  const bench = benchReport(1, [512, 1024, 1769, 3008]);
  const c1024 = bench.configurations.find((c) => c.memoryMb === 1024)!;
  const near = (v: number, d: number) => `${Math.round(v + d)} ms`;
  const budgets = {
    initP50: near(c1024.initMs.p50, 20),
    initP90: near(c1024.initMs.p90, 22),
    coldP50: near(c1024.coldTotalMs.p50, 14),
    coldP90: near(c1024.coldTotalMs.p90, 18),
    warmP50: '3 ms',
    warmP90: '3.2 ms',
    warmP95: '3.4 ms',
    costPer1M: '$0.40',
  };
  const sub = mkdtempSync(join(dir, 'crowded-'));
  writeFileSync(join(sub, 'bench.json'), JSON.stringify(bench));
  writeFileSync(join(sub, 'dlpack.config.json'), JSON.stringify({ models: [{ model: 'mlp.onnx', memory: [1024], budgets }] }));
  await writeReports({ files: ['bench.json'], format: 'html', output: 'report.html', cwd: sub, log: () => {} });
  return join(sub, 'report.html');
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

const noChromium = CHROMIUM ? false : 'chromium is not installed (apt-get install -y chromium)';
testIf(test, noChromium, 'the console check sees a console message (the probe page logs one)', async () => {
  const probe = join(dir, 'probe.html');
  writeFileSync(probe, '<!doctype html><p>probe</p><script>console.error("probe-error")</script>');
  const r = await screenshot(probe, join(dir, 'probe.png'), '400,300');
  assert.ok(consoleLines(r.stderr).some((l) => l.includes('probe-error')), r.stderr.slice(-2000));
});

testIf(test, noChromium, 'Chromium renders the report with charts and no console message', async () => {
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

testIf(test, noChromium, 'the overlap check sees overlapping labels (a probe chart with two labels on one spot)', async () => {
  const probe = join(dir, 'overlap-probe.html');
  writeFileSync(probe, '<!doctype html><body><svg class="chart" width="300" height="100"><title>probe</title><text x="10" y="50" class="budget-label">budget cold start p50 700 ms</text><text x="40" y="54" class="budget-label">budget init p50 690 ms</text><text x="10" y="90" class="tick">apart</text></svg></body>');
  const [chart] = await measureCharts(probe);
  assert.is(chart.texts.length, 3);
  assert.is(overlaps(chart).length, 1, overlaps(chart).join('\n'));
});

testIf(test, noChromium, 'no two labels of any chart overlap in Chromium, with crowded budgets and on the whole report', async () => {
  for (const page of [await crowdedPage(), await htmlPage()]) {
    const charts = await measureCharts(page);
    assert.ok(charts.length >= 5, `${charts.length} charts`);
    const labels = charts.flatMap((c) => c.texts.filter((t) => t.cls === 'budget-label'));
    assert.ok(labels.length >= 4, `${labels.length} budget labels drawn`);
    assert.equal(charts.flatMap(overlaps), []);
  }
});

testIf(test, noChromium, 'a budget for one memory size is drawn at that size only, every crowded label still shown', async () => {
  const charts = await measureCharts(await crowdedPage());
  const cold = charts.find((c) => c.title === 'Cold start by memory size')!;
  assert.equal(cold.texts.filter((t) => t.cls === 'budget-label').map((t) => t.text.replace(/ [\d.]+ (ms|s)$/, '')).sort(), ['budget cold start p50', 'budget cold start p90', 'budget init p50', 'budget init p90']);
  const at = (mb: number) => cold.points.find((p) => p.title.includes(`at ${mb} MB`))!.x;
  for (const l of cold.budgetLines) {
    assert.ok(l.x <= at(1024) && at(1024) <= l.x + l.w, 'the line crosses 1024 MB');
    assert.ok(at(512) < l.x && l.x + l.w < at(1769), `the line stays off 512 and 1769 MB (${l.x.toFixed(0)}–${(l.x + l.w).toFixed(0)} px)`);
  }
});

test.run();
