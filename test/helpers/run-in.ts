/**
 * Runs `dlpack <command> <args>` from the TypeScript sources as a real child process, in any
 * working folder (tsx is loaded by absolute address: a bare `--import tsx` resolves against the cwd).
 */
import { join } from 'node:path';
import { ROOT, spawnNode, type SpawnResult } from './cli.js';

const TSX = import.meta.resolve('tsx');
const ENTRY = join(ROOT, 'test', 'helpers', 'cli-entry.ts');

export function runCliIn(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv; deadlineMs?: number } = {}): Promise<SpawnResult> {
  return spawnNode(['--import', TSX, ENTRY, ...args], { cwd, ...options });
}
