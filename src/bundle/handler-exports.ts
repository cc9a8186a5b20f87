/**
 * Checks, before anything is built or written, that a `--handler` file exports what the target's
 * platform calls (Lambda `handler`, Workers `default`, ...). esbuild reads the file's exports
 * (packages and dlpack:* modules left external); CommonJS files cannot be read statically.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import type { BundleTarget } from '../platforms/index.js';

export interface HandlerCheck {
  exports: string[];
  /** Set when the exports could not be checked (CommonJS). */
  note?: string;
}

export async function checkHandlerExports(file: string, target: BundleTarget): Promise<HandlerCheck> {
  const path = resolve(file);
  if (!existsSync(path)) throw new DlpackError('FILE_NOT_FOUND', 'no such handler file', { file });
  if (!statSync(path).isFile()) throw new DlpackError('USAGE', 'the handler must be a file (.ts, .mts, .js, .mjs)', { file });
  const esbuild = await import('esbuild');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [path],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      packages: 'external',
      logLevel: 'silent',
      outfile: 'handler-check.js',
      plugins: [{ name: 'external-virtual', setup: (b) => b.onResolve({ filter: /^(dlpack:|node:)/ }, (a) => ({ path: a.path, external: true })) }],
    });
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { line: number } | null }[] }).errors?.[0];
    const where = first?.location ? `line ${first.location.line}: ` : '';
    throw new DlpackError('USAGE', `cannot read the handler: ${where}${first?.text ?? String(err)}`, { file, cause: err });
  }
  const out = Object.values(result.metafile!.outputs)[0];
  const entryInput = Object.entries(result.metafile!.inputs).find(([p]) => resolve(p) === path)?.[1];
  if (entryInput?.format === 'cjs') {
    return { exports: [], note: `${file} is CommonJS: its exports could not be checked (${target.id} calls ${target.export})` };
  }
  const exports = out.exports ?? [];
  if (!exports.includes(target.export)) {
    const has = exports.length ? `it exports: ${exports.join(', ')}` : 'it exports nothing';
    throw new DlpackError('USAGE', `the handler does not export "${target.export}", which ${target.id} calls (${has})`, {
      file,
      hint: target.calls,
    });
  }
  return { exports };
}
