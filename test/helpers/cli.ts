/**
 * Test helpers for running dlpack commands: in-process (oclif's Command.run inside captureOutput)
 * and as a real child process (node + tsx + bin/dev.js) with a deadline and cleanup.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { captureOutput } from '@oclif/test';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHARED_MODELS = join(ROOT, '..', 'shared', 'models');

interface RunnableCommand {
  run(argv?: string[], opts?: { root: string }): Promise<unknown>;
}

/** Runs a command class in this process; returns stdout, stderr, the result and the error (if any). */
export async function runCommand<T = unknown>(Cmd: RunnableCommand, argv: string[]) {
  const out = await captureOutput<T>(async () => (await Cmd.run(argv, { root: ROOT })) as T, { print: false });
  const exitCode = out.error ? ((out.error as { oclif?: { exit?: number } }).oclif?.exit ?? 1) : 0;
  return { ...out, exitCode };
}

export interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `dlpack <args>` from the TypeScript sources in a child process, killed after `deadlineMs`. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; deadlineMs?: number } = {}) {
  return spawnNode(['--import', 'tsx', join(ROOT, 'bin', 'dev.js'), ...args], options);
}

export function spawnNode(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; deadlineMs?: number } = {},
): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
