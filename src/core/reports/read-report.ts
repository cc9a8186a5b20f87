/**
 * Reads a dlpack JSON report from disk and tells which one it is by its `schema` field
 * (dlpack.transform/1, dlpack.bundle/1, dlpack.bench/1, dlpack.check/1). Also accepts the
 * `{"result": …}` wrapper some oclif versions print with --json. Anything else is a USAGE error.
 */
import { promises as fs } from 'node:fs';
import { DlpackError } from '../errors/dlpack-error.js';
import type { AnyReport, BenchReport, BundleReport, CheckReport, TransformReport } from './schemas.js';

export type ReportKind = 'transform' | 'bundle' | 'bench' | 'check';

export type LoadedReport =
  | { kind: 'transform'; file: string; report: TransformReport }
  | { kind: 'bundle'; file: string; report: BundleReport }
  | { kind: 'bench'; file: string; report: BenchReport }
  | { kind: 'check'; file: string; report: CheckReport };

const KINDS: Record<string, ReportKind> = {
  'dlpack.transform/1': 'transform',
  'dlpack.bundle/1': 'bundle',
  'dlpack.bench/1': 'bench',
  'dlpack.check/1': 'check',
};

/** Fields each kind must have for dlpack to use it (checked so a wrong file fails with its name). */
const REQUIRED: Record<ReportKind, string[]> = {
  transform: ['kind', 'bytesBefore', 'bytesAfter'],
  bundle: ['target', 'unzippedBytes', 'files'],
  bench: ['configurations'],
  check: ['results', 'summary'],
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
