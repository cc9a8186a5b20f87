/**
 * Test helpers for running dlpack commands: in process (oclif's Command.run inside captureOutput,
 * for unit tests) and as a real child process (node + tsx + bin/dev.js, integration tests) with a
 * deadline and cleanup.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { captureOutput } from '@oclif/test';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** ../shared (real models and samples); DLPACK_TEST_SHARED points elsewhere, e.g. at an empty folder to see the skips. */
export const SHARED = process.env.DLPACK_TEST_SHARED || join(ROOT, '..', 'shared');
export const SHARED_MODELS = join(SHARED, 'models');

interface RunnableCommand {
  run(argv?: string[], opts?: Config | { root: string }): Promise<unknown>;
}

let config: Promise<Config> | undefined;
/** oclif's configuration of this package, loaded once per test file. */
const loadConfig = () => (config ??= Config.load({ root: ROOT }));

/** Variables the CI running the tests may set that would change what a command does. */
const OUTSIDE_ENV = ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY'];

/**
 * Runs a command class in this process the way bin/ runs it in a child: in `cwd` (process.chdir,
 * restored), with `env` on top of CI=true and NO_COLOR=1 (the CI's own GitHub variables removed),
 * stdout and stderr captured as written (no ANSI stripping: escaping tests see every byte); the exit code is oclif's (`this.exit`, an error's exit code) or
 * `process.exitCode` if the command set it (reset afterwards, so the test file's own is untouched).
 */
export async function runCommand<T = unknown>(Cmd: RunnableCommand, argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const cwd = process.cwd();
  const env = { ...Object.fromEntries(OUTSIDE_ENV.map((k) => [k, undefined])), CI: 'true', NO_COLOR: '1', ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  const cfg = await loadConfig();
  setEnv(env);
  if (options.cwd) process.chdir(options.cwd);
  try {
    const out = await captureOutput<T>(async () => (await Cmd.run(argv, cfg)) as T, { print: false, stripAnsi: false });
    const error = out.error as (Error & { oclif?: { exit?: number } }) | undefined;
    const set = Number(process.exitCode ?? 0);
    const exitCode = error ? (error.oclif?.exit ?? 1) : set;
    // an error oclif would print with its stack (not a command's own one-line error)
    const stderr = error && error.oclif?.exit === undefined ? `${out.stderr}${error.stack ?? error}\n` : out.stderr;
    return { ...out, stderr, exitCode };
  } finally {
    process.chdir(cwd);
    setEnv(saved);
    process.exitCode = exitCodeBefore;
  }
}

/**
 * `dlpack <command> <args>` in this process (see runCommand), the command class imported from
 * commands/ by its id; the result has the shape of runCli's, so a child-process test moves in
 * process by changing the call. (test/integration/cli.test.ts keeps real bin/ runs.)
 */
export async function runInProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const [id, ...argv] = args;
  const { default: Cmd } = (await import(`../../commands/${id}.js`)) as { default: RunnableCommand };
  const started = Date.now();
  const r = await runCommand(Cmd, argv, options);
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
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
  options: { cwd?: string; env?: NodeJS.ProcessEnv; deadlineMs?: number; /** a command that runs node (e.g. strace …) */ wrap?: string[] } = {},
): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const [command, ...prefix] = options.wrap?.length ? [...options.wrap, process.execPath] : [process.execPath];
    const child = spawn(command, [...prefix, ...args], {
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
