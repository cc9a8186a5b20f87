#!/usr/bin/env node
// Runs every test/**/*.test.ts file under uvu, each in its own Node process, two at a time with a
// deadline: first the unit tier (everything outside test/integration/, with a preload that makes
// starting a child process throw), then the integration tier (test/integration/). Prints a line
// per file, each skipped test's `SKIP:` reason, the totals per tier, and one closing line:
// `tests: N passed, N failed, N skipped (unit N files X s, integration N files Y s)`.
// A file fails when a test fails, when it registers no test, when it prints a SKIP line for a test
// uvu did not count as skipped (test/helpers/tally.mjs), or when it exits non-zero.
// Usage: node test/run.js [--unit | --integration] [substring ...]
//   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { closingLine, tallyFile } from './helpers/tally.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--integration') ? 'integration' : undefined;
const filters = args.filter((a) => a !== '--unit' && a !== '--integration');
const deadlineMs = Number(process.env.TEST_FILE_DEADLINE_MS || 600_000);
const parallel = Number(process.env.TEST_PARALLEL || Math.min(2, os.cpus().length));
const forbidProcesses = join(root, 'test', 'helpers', 'forbid-processes.cjs');

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures-out') continue;
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const tierOf = (file) => (relative(root, file).startsWith(join('test', 'integration') + sep) ? 'integration' : 'unit');
const files = findTests(join(root, 'test')).filter(
  (f) => (filters.length === 0 || filters.some((s) => relative(root, f).includes(s))) && (!only || tierOf(f) === only),
);

// Durations of the last run, so the longest files start first and the two workers finish together.
const cacheFile = join(root, 'node_modules', '.cache', 'dlpack-tests', 'durations.json');
let lastMs = {};
try {
  lastMs = JSON.parse(readFileSync(cacheFile, 'utf8'));
} catch {
  /* first run */
}

function runFile(file, tier) {
  return new Promise((resolve) => {
    const started = Date.now();
    const preload = tier === 'unit' ? ['--import', forbidProcesses] : [];
    const child = spawn(process.execPath, [...preload, '--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, deadlineMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      // kill anything the test file left behind in its process group
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      resolve({ file, tier, text: out, ms: Date.now() - started, ...tallyFile({ text: out, code, timedOut }) });
    });
  });
}

function report(r) {
  const rel = relative(root, r.file);
  const lines = [`${r.failed ? 'FAIL' : 'ok  '} ${rel}  (${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${(r.ms / 1000).toFixed(1)} s)`];
  for (const p of r.problems) lines.push(`    ${p}`);
  if (r.failed || process.env.TEST_VERBOSE) lines.push(...r.text.split('\n').map((l) => '    ' + l));
  for (const l of r.skipLines) lines.push(`    ${l}`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function runTier(tier, list) {
  const queue = [...list].sort((a, b) => (lastMs[relative(root, b)] ?? 0) - (lastMs[relative(root, a)] ?? 0));
  const started = Date.now();
  const results = [];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file, tier);
      results.push(r);
      report(r);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const seconds = (Date.now() - started) / 1000;
  const sum = (k) => results.reduce((a, r) => a + r[k], 0);
  const totals = { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
  process.stdout.write(`${tier}: ${list.length} file${list.length === 1 ? '' : 's'}, ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${seconds.toFixed(1)} s\n`);
  return { name: tier, files: list.length, seconds, results, ...totals };
}

const tiers = [];
for (const tier of ['unit', 'integration']) {
  const list = files.filter((f) => tierOf(f) === tier);
  if (list.length) tiers.push(await runTier(tier, list));
}
const sum = (k) => tiers.reduce((a, t) => a + t[k], 0);
if (files.length === 0) process.stdout.write('no test files matched\n');
process.stdout.write(closingLine({ passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') }, tiers) + '\n');
process.exitCode = sum('failed') > 0 || files.length === 0 ? 1 : 0;

try {
  for (const t of tiers) for (const r of t.results) lastMs[relative(root, r.file)] = r.ms;
  mkdirSync(join(cacheFile, '..'), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(lastMs, null, 1));
} catch {
  /* the order is only an optimisation */
}
