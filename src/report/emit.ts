/**
 * Where a rendered report goes: stdout or `--output` (atomic write), plus the CI extras — the
 * Markdown appended to $GITHUB_STEP_SUMMARY when it is set, and `::error`/`::warning` lines on
 * stdout when GITHUB_ACTIONS=true (not with --json, whose stdout must stay one JSON document).
 * The text itself comes from the kind's renderer (kinds/index.ts).
 */
import { promises as fs } from 'node:fs';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { writeFileAtomic } from '../core/io/atomic-output.js';
import type { LoadedReport } from '../core/reports/read-report.js';
import { assertFormat, formatsOf, render, renderAnnotations, type RenderFormat } from './kinds/index.js';
import type { HumanOptions } from './render-types.js';

export const TEXT_FORMATS = ['table', 'json', 'markdown', 'junit'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

const asFormat = (f: TextFormat): Exclude<RenderFormat, 'html'> => (f === 'table' ? 'human' : f);

/** Renders one or more reports in a text format (several: tables and Markdown one after another, JSON as an array, JUnit as one document). */
export function renderText(reports: LoadedReport | LoadedReport[], format: TextFormat, human: HumanOptions = {}): string {
  return render(reports, asFormat(format), human);
}

export interface EmitOptions {
  format: TextFormat;
  output?: string;
  /** The --json flag: stdout gets nothing here (the command prints the JSON). */
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  log: (text: string) => void;
  /** File named in annotations (e.g. the config file, relative to the workspace). */
  annotationFile?: string;
  /** Layout of the terminal table (width, verbose). */
  human?: HumanOptions;
}

export async function emitReport(reports: LoadedReport | LoadedReport[], options: EmitOptions): Promise<void> {
  const env = options.env ?? process.env;
  const list = Array.isArray(reports) ? reports : [reports];
  assertFormat(list, asFormat(options.format));
  const text = renderText(list, options.format, options.human);
  if (options.output) {
    await writeFileAtomic(options.output, text.endsWith('\n') ? text : text + '\n');
    if (!options.json) options.log(renderText(list, 'table', options.human));
  } else if (!options.json) {
    options.log(text.replace(/\n$/, ''));
  }
  const summarised = list.filter((l) => formatsOf(l.kind).includes('markdown'));
  if (env.GITHUB_STEP_SUMMARY && summarised.length) {
    try {
      await fs.appendFile(env.GITHUB_STEP_SUMMARY, renderText(summarised, 'markdown') + '\n');
    } catch (err) {
      throw new DlpackError('OUTPUT', `cannot append to GITHUB_STEP_SUMMARY (${(err as NodeJS.ErrnoException).code ?? err})`, {
        file: env.GITHUB_STEP_SUMMARY,
        cause: err,
      });
    }
  }
  if (env.GITHUB_ACTIONS === 'true' && !options.json) {
    for (const line of list.flatMap((l) => renderAnnotations(l, { file: options.annotationFile }))) options.log(line);
  }
}
