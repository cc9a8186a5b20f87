#!/usr/bin/env node
// Runs every test/**/*.test.ts file under uvu, each in its own Node process (two at a time,
// with a deadline), then prints one closing line: `tests: N passed, N failed[, N skipped]`.
// Usage: node test/run.js [substring ...]   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const deadlineMs = Number(process.env.TEST_FILE_DEADLINE_MS || 600_000);
const parallel = Number(process.env.TEST_PARALLEL || Math.min(2, os.cpus().length));

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

const files = findTests(join(root, 'test')).filter(
  (f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)),
);

// eslint-disable-next-line no-control-regex
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
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
      const text = stripAnsi(out);
      const num = (label) => {
        const m = text.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'));
        return m ? Number(m[1]) : undefined;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') ?? 0;
      let failed = total !== undefined && passed !== undefined ? total - passed : 1;
      if (timedOut || (code !== 0 && failed === 0)) failed = Math.max(failed, 1);
      resolve({ file, text, code, passed: passed ?? 0, failed, skipped, ms: Date.now() - started, timedOut });
    });
  });
}

const results = [];
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const r = await runFile(file);
    results.push(r);
    const rel = relative(root, r.file);
    const status = r.failed ? 'FAIL' : 'ok  ';
    process.stdout.write(`${status} ${rel}  (${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${(r.ms / 1000).toFixed(1)} s)\n`);
    if (r.failed || process.env.TEST_VERBOSE) {
      process.stdout.write(r.text.split('\n').map((l) => '    ' + l).join('\n') + '\n');
      if (r.timedOut) process.stdout.write(`    (killed after ${deadlineMs} ms)\n`);
    }
    for (const line of r.text.split('\n')) if (line.startsWith('SKIP:')) process.stdout.write(`    ${line}\n`);
  }
}
await Promise.all(Array.from({ length: parallel }, worker));
const sum = (k) => results.reduce((a, r) => a + r[k], 0);
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');
if (files.length === 0) {
  process.stdout.write('no test files matched\n');
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
