/**
 * Loads a platform from a folder laid out like the built-in ones (index.ts or index.js with a
 * default-exported PlatformModule) and checks that its handler template and convention are files
 * of that folder. Register the result with registerPlatform (tests today, plugins later).
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { PlatformModule } from './contract.js';

export async function loadPlatformFolder(dir: string): Promise<PlatformModule> {
  const index = ['index.ts', 'index.js'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!index) throw new DlpackError('FILE_NOT_FOUND', 'a platform folder needs an index.ts or index.js', { file: dir });
  const mod = (await import(pathToFileURL(index).href)) as { default?: PlatformModule };
  const p = mod.default;
  if (!p || typeof p !== 'object' || !p.facts || !p.bundle || !p.emulator) {
    throw new DlpackError('USAGE', 'the index module must default-export a platform module ({ id, facts, bundle, emulator })', { file: index });
  }
  const root = realpathSync(dir);
  for (const [what, file] of [['bundle.handler', p.bundle.handler], ['emulator.convention', p.emulator.convention]] as const) {
    if (typeof file !== 'string' || !existsSync(file)) throw new DlpackError('USAGE', `${what} names no file ("${String(file)}")`, { file: index });
    const rel = relative(root, realpathSync(file));
    if (rel.startsWith('..') || isAbsolute(rel)) throw new DlpackError('USAGE', `${what} (${file}) is outside the platform folder`, { file: index });
  }
  return p;
}
