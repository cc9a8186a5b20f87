/** Ctrl-C during a bench: the instance is killed and its cgroups removed before dlpack exits. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { fixture, ownLeftovers, processesWithEnv } from '../../helpers/sim-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SIGINT while a handler hangs: no instance process and no cgroup left', async () => {
  // A unique folder: the instance's LAMBDA_TASK_ROOT names it, so we can find the process.
  const dir = mkdtempSync(join(tmpdir(), 'dlpack-sim-sigint-'));
  copyFileSync(fixture('hang.mjs'), join(dir, 'hang.mjs'));
  const script = join(dir, 'run.mts');
  writeFileSync(
    script,
    `import { runBench } from ${JSON.stringify(join(ROOT, 'src/sim/run-bench.ts'))};\n` +
      `await runBench({ input: ${JSON.stringify(join(dir, 'hang.mjs'))}, handler: true, targets: ['aws-lambda'], memory: '256', cold: 1, warm: 0, timeoutMs: 60000 });\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  try {
    while (processesWithEnv(`LAMBDA_TASK_ROOT=${dir}`).length === 0 && Date.now() < deadline) await sleep(50);
    assert.ok(processesWithEnv(`LAMBDA_TASK_ROOT=${dir}`).length > 0, 'the instance started');
    await sleep(300);
    child.kill('SIGINT');
    const code = await new Promise<string>((resolve) => child.on('exit', (c, s) => resolve(`${c}/${s}`)));
    assert.match(code, /SIGINT|130/);
    await sleep(100);
    assert.equal(processesWithEnv(`LAMBDA_TASK_ROOT=${dir}`), [], 'instance process gone');
    assert.equal(ownLeftovers(child.pid), [], 'cgroups removed');
  } finally {
    child.kill('SIGKILL');
    for (const pid of processesWithEnv(`LAMBDA_TASK_ROOT=${dir}`)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
