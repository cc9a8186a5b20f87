// Preloaded into every unit test file by test/run.js (`node --import <this> --import tsx <file>`):
// a unit test starts no process. Every way node:child_process starts one throws, naming the call
// and the file; should a caller swallow that error, the file still fails at exit.
// Worker threads have their own child_process module: every Worker the test file starts (esbuild's
// sync API runs its service from one) gets this file with `--require`, and reports its attempts to
// the main thread. (CommonJS because workers honour `--require`, not `--import`; Node's own loader
// thread, where tsx runs esbuild, is not a Worker and is left alone.)
// Files that need processes (CLI children, bench instances, esbuild, python, chromium, npm) belong
// in test/integration/ (test/integration/runner/unit-guard.test.ts shows the guard at work).
'use strict';
const cp = require('node:child_process');
const wt = require('node:worker_threads');
const { syncBuiltinESMExports } = require('node:module');
const { relative } = require('node:path');

const CHANNEL = 'dlpack-forbid-processes';
// the test file, as the main thread saw it (a worker's argv does not name it)
const FILE_VAR = 'DLPACK_UNIT_TEST_FILE';
const file = wt.isMainThread ? (process.env[FILE_VAR] = relative(process.cwd(), process.argv[1] ?? '?')) : (process.env[FILE_VAR] ?? '?');
const attempts = [];
const report = wt.isMainThread ? (what) => attempts.push(what) : (what) => {
  const ch = new BroadcastChannel(CHANNEL);
  ch.postMessage(what);
  ch.close();
};

function refuse(what) {
  report(what);
  throw new Error(`unit tests start no processes: ${file} called child_process.${what}; move the test to test/integration/`);
}
const shown = (command) => JSON.stringify(String(command)).slice(0, 80);

for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  cp[fn] = function forbidden(command) {
    refuse(`${fn}(${shown(command)})`);
  };
}
// the class the functions above use underneath, for code that starts a ChildProcess itself
cp.ChildProcess.prototype.spawn = function forbidden(options) {
  refuse(`new ChildProcess().spawn(${shown(options?.file)})`);
};

// tsx compiles the test's TypeScript with esbuild, from the main thread too (esbuild's sync
// worker, when a file is not in tsx's cache yet): the test runner's own machinery, not the test's.
function startedByTsx() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return /[\\/]node_modules[\\/]tsx[\\/]/.test(stack);
}

if (wt.isMainThread) {
  const { Worker } = wt;
  wt.Worker = class GuardedWorker extends Worker {
    constructor(filename, options = {}) {
      super(filename, startedByTsx() ? options : { ...options, execArgv: [...(options.execArgv ?? process.execArgv), '--require', __filename] });
    }
  };
  const ch = new BroadcastChannel(CHANNEL);
  ch.onmessage = (event) => attempts.push(`${event.data} (in a worker thread)`);
  ch.unref();
  process.on('exit', () => {
    if (!attempts.length) return;
    process.stderr.write(`\nunit tests start no processes: ${file} tried ${attempts.length}: ${[...new Set(attempts)].join(', ')}\n`);
    process.exitCode = 1;
  });
}
// named ESM imports (`import { spawn } from 'node:child_process'`) see the replacements too
syncBuiltinESMExports();
