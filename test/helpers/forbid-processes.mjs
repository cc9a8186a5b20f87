// Preloaded into every unit test file by test/run.js (`node --import <this> --import tsx <file>`):
// a unit test starts no process. Every way node:child_process starts one throws, naming the call
// and the file; and should a caller swallow that error, the file still fails at exit.
// Files that need processes (CLI children, bench instances, esbuild, python, chromium, npm) belong
// in test/integration/ (test/integration/runner/unit-guard.test.ts shows the guard at work).
import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { relative } from 'node:path';

const file = relative(process.cwd(), process.argv[1] ?? '?');
const attempts = [];

function refuse(what) {
  attempts.push(what);
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
// named ESM imports (`import { spawn } from 'node:child_process'`) see the replacements too
syncBuiltinESMExports();

process.on('exit', () => {
  if (!attempts.length) return;
  process.stderr.write(`\nunit tests start no processes: ${file} tried ${attempts.length}: ${[...new Set(attempts)].join(', ')}\n`);
  process.exitCode = 1;
});
