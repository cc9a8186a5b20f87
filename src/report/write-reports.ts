/**
 * `dlpack report` as a library call: read reports of any kind, optionally the config (for budgets
 * on the charts), render in the chosen format with the kind's own renderer (the same its command
 * prints with) and write it (atomic) or hand it back for stdout.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { assertNotInput, writeFileAtomic } from '../core/io/atomic-output.js';
import { loadConfig, CONFIG_FILE } from '../config/load-config.js';
import { resolveLoaded, type ResolvedConfig } from '../config/resolve-budgets.js';
import { readReport, type LoadedReport } from '../core/reports/read-report.js';
import { emitReport, TEXT_FORMATS, type TextFormat } from './emit.js';
import { renderHtml } from './html/page.js';
import { assertFormat } from './kinds/index.js';
import type { HumanOptions } from './render-types.js';

export const REPORT_FORMATS = [...TEXT_FORMATS, 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  files: string[];
  format: ReportFormat;
  output?: string;
  /** Config with budgets to draw; default: ./dlpack.config.json when there is one. */
  config?: string;
  cwd?: string;
  json?: boolean;
  log: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Layout of the terminal table (width, verbose), as the producing command would print it. */
  human?: HumanOptions;
}

async function budgetsConfig(explicit: string | undefined, cwd: string): Promise<ResolvedConfig | undefined> {
  if (!explicit && !existsSync(join(cwd, CONFIG_FILE))) return undefined;
  return resolveLoaded(await loadConfig({ explicit, cwd }));
}

export async function writeReports(options: ReportOptions): Promise<LoadedReport[]> {
  if (!options.files.length) throw new DlpackError('USAGE', 'name at least one report file', { hint: 'dlpack report bench.json --format html -o report.html' });
  const cwd = resolve(options.cwd ?? process.cwd());
  const loaded: LoadedReport[] = [];
  for (const f of options.files) loaded.push(await readReport(resolve(cwd, f)).then((l) => ({ ...l, file: f })));
  const output = options.output ? resolve(cwd, options.output) : undefined;
  if (output) assertNotInput(output, options.files.map((f) => resolve(cwd, f)));
  if (options.format === 'html') {
    assertFormat(loaded, 'html'); // before the config is read: a wrong kind is the first thing to say
    const config = await budgetsConfig(options.config, cwd);
    const html = renderHtml(loaded, { config });
    if (output) await writeFileAtomic(output, html);
    else if (!options.json) options.log(html);
    return loaded;
  }
  await emitReport(loaded, { format: options.format as TextFormat, output, json: options.json, log: options.log, env: options.env, human: options.human });
  return loaded;
}
