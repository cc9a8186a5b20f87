/**
 * Finds and loads the dlpack configuration: an explicit path (`--config`), else dlpack.config.json
 * in the working folder, else the `dlpack` key of its package.json. Bad JSON or a bad key is a
 * DlpackError('CONFIG') (exit 2) naming the file and the key.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { LoadedConfig } from './config-types.js';
import { validateConfig } from './validate-config.js';
import { resolveBudgets } from './resolve-budgets.js';

export const CONFIG_FILE = 'dlpack.config.json';

async function readText(path: string, file = path): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new DlpackError('CONFIG', 'is a directory, expected a JSON file', { file });
    throw new DlpackError('CONFIG', `cannot read config (${code ?? String(err)})`, { file, cause: err });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message.replace(/^JSON\.parse: /, '');
    throw new DlpackError('CONFIG', `not valid JSON: ${msg}`, { file, cause: err });
  }
}

/** The config's path as errors show it: relative to the working folder when inside it. */
function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

async function fromFile(file: string, cwd: string): Promise<LoadedConfig | undefined> {
  const name = shown(file, cwd);
  const text = await readText(file, name);
  if (text === undefined) return undefined;
  let data = parseJson(text, name);
  if (basename(file) === 'package.json') {
    const pkg = data as Record<string, unknown>;
    if (!pkg || typeof pkg !== 'object' || !('dlpack' in pkg)) return undefined;
    data = pkg.dlpack;
  }
  const config = await validateConfig(data, name);
  resolveBudgets(config, name); // parse every human unit now, so a bad one fails before any work
  return { file, dir: dirname(file), config };
}

/** Loads the config from `explicit` (a file) or by looking in `cwd`. */
export async function loadConfig(options: { explicit?: string; cwd?: string } = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (options.explicit) {
    const file = resolve(cwd, options.explicit);
    const loaded = await fromFile(file, cwd);
    if (!loaded) {
      const exists = await readText(file);
      throw new DlpackError('CONFIG', exists === undefined ? 'config file not found' : 'package.json has no "dlpack" key', { file: shown(file, cwd) });
    }
    return loaded;
  }
  const loaded = (await fromFile(join(cwd, CONFIG_FILE), cwd)) ?? (await fromFile(join(cwd, 'package.json'), cwd));
  if (!loaded) {
    throw new DlpackError('CONFIG', `no ${CONFIG_FILE} (or "dlpack" key in package.json) found`, {
      file: cwd,
      hint: 'create one with `dlpack init`, or pass --config <file>',
    });
  }
  return loaded;
}
