/**
 * Reads a dlpack JSON report from disk and tells which one it is by its `schema` field (the seven
 * kinds of REPORT_SCHEMAS: transform, bundle, bench, check, inspect, platforms, init). Also accepts
 * the `{"result": …}` wrapper some oclif versions print with --json. Anything else is a USAGE error.
 */
import { promises as fs } from 'node:fs';
import { DlpackError } from '../errors/dlpack-error.js';
import { REPORT_SCHEMAS, type AnyReport, type ReportKind, type ReportsByKind } from './schemas.js';

export type { ReportKind } from './schemas.js';

/** A report read from `file`, with its kind. */
export type LoadedReport = { [K in ReportKind]: { kind: K; file: string; report: ReportsByKind[K] } }[ReportKind];

const KINDS: Record<string, ReportKind> = REPORT_SCHEMAS;

/** Fields each kind must have for dlpack to use it (checked so a wrong file fails with its name). */
const REQUIRED: Record<ReportKind, string[]> = {
  transform: ['kind', 'bytesBefore', 'bytesAfter'],
  bundle: ['target', 'unzippedBytes', 'files'],
  bench: ['configurations'],
  check: ['results', 'summary'],
  inspect: ['model', 'summary'],
  platforms: ['platforms'],
  init: ['config', 'budgets', 'measured'],
};

export function reportKind(data: unknown): ReportKind | undefined {
  const schema = (data as { schema?: unknown } | null)?.schema;
  return typeof schema === 'string' ? KINDS[schema] : undefined;
}

/** Identifies an already parsed report; throws a USAGE error naming `file` when it is not one. */
export function identifyReport(data: unknown, file: string): LoadedReport {
  let obj = data as Record<string, unknown> | null;
  if (obj && typeof obj === 'object' && !('schema' in obj) && obj.result && typeof obj.result === 'object') {
    obj = obj.result as Record<string, unknown>;
  }
  const kind = reportKind(obj);
  if (!kind) {
    const schema = (obj as { schema?: unknown } | null)?.schema;
    throw new DlpackError('USAGE', schema ? `unknown report schema ${JSON.stringify(schema)}` : 'not a dlpack report (no "schema" field)', {
      file,
      hint: `expected one of ${Object.keys(KINDS).join(', ')}`,
    });
  }
  const missing = REQUIRED[kind].filter((k) => !(k in obj!));
  if (missing.length) {
    throw new DlpackError('USAGE', `${kind} report is missing ${missing.map((m) => `"${m}"`).join(', ')}`, { file });
  }
  return { kind, file, report: obj as unknown as AnyReport } as LoadedReport;
}

export async function readReport(file: string): Promise<LoadedReport> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DlpackError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'USAGE', code === 'ENOENT' ? 'report not found' : `cannot read report (${code})`, {
      file,
      cause: err,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DlpackError('USAGE', `not valid JSON: ${(err as Error).message}`, { file, cause: err });
  }
  return identifyReport(data, file);
}
