/**
 * Helpers of the verdict sections (bench/sections/verdicts*.ts): run the CLI from the sources in a
 * folder, CPU hogs that are always killed, the most common answer, a handler made slower.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../src/core/reports/schemas.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temp folder with the MLP fixture and budgets from `dlpack init` on this machine as it is. */
export async function initFolder(root: string, dir: string, log: (m: string) => void): Promise<Record<string, any>> {
  copyFileSync(join(root, 'fixtures', 'models', 'mlp.onnx'), join(dir, 'mlp.onnx'));
  const init = await dlpack(root, dir, ['init', '--model', 'mlp.onnx', '--target', 'aws-lambda', '--no-workflow']);
  if (init.code !== 0) throw new Error(`dlpack init: exit ${init.code}: ${init.stderr.slice(-400)}`);
  const config = JSON.parse(readFileSync(join(dir, 'dlpack.config.json'), 'utf8'));
  log(`budgets set by dlpack init: ${JSON.stringify(config.models[0].budgets)}`);
  return config;
}

const TSX = import.meta.resolve('tsx');

export function dlpack(root: string, cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(process.execPath, ['--import', TSX, join(root, 'bin', 'dev.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function json<T>(r: Run, what: string): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`${what}: exit ${r.code}, no JSON: ${(r.stderr || r.stdout).slice(-400)}`);
  }
}

/** One busy loop per core, killed by `stop()` and in any case when this process exits. */
export function startHogs(): { stop(): void } {
  const hogs: ChildProcess[] = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const stop = () => {
    for (const h of hogs) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  };
  process.once('exit', stop);
  return { stop };
}

/** The most common value and how many times it occurred. */
export function mode(values: string[]): { value: string; count: number } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const [value, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { value, count };
}

export const verdictOf = (r: CheckReport) => `${r.pass ? 'PASS' : 'FAIL'} ${r.results.map((x) => `${x.budget}=${x.status}`).join(',')}`;

/** A handler that is the template made slower: spins CPU time for `initMs` at INIT and `warmMs` per call. */
export function slowHandler(root: string, initMs: number, warmMs: number): string {
  const template = join(root, 'src', 'bundle', 'targets', 'aws-lambda.ts');
  return `import { handler as inner, ready as loaded } from ${JSON.stringify(template)};
const spin = (ms) => { const t0 = process.cpuUsage(); for (;;) { const u = process.cpuUsage(t0); if ((u.user + u.system) / 1000 >= ms) return; } };
export const ready = loaded.then(() => spin(${initMs.toFixed(3)}));
export const handler = async (event, context) => { const out = await inner(event, context); spin(${warmMs.toFixed(3)}); return out; };
`;
}

