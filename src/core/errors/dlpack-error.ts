/**
 * The one error catalogue of dlpack. Every error a user can cause (bad file, bad flag, bad config,
 * broken budget) is a DlpackError with a code; the CLI prints it as one line naming the file and
 * the problem, without a stack trace (unless DEBUG is set). Anything else is a bug: it is wrapped
 * (`wrapUnexpected`) as one INTERNAL line naming the file and the operation, its stack kept as the
 * cause for DEBUG=1. Every line is escaped for the terminal and capped (safe-text.ts): messages
 * carry strings from untrusted models.
 */
import { capMessage, escapeControls } from '../text.js';

export type ErrorCode =
  | 'FILE_NOT_FOUND' // an input the user named does not exist
  | 'NOT_A_MODEL' // the file is not a model of any format dlpack reads
  | 'CORRUPT_MODEL' // the file claims a format but its contents are broken (truncated, bad protobuf, bad manifest)
  | 'PATH_ESCAPE' // a path inside a model/manifest/archive resolves outside the folder it must stay in
  | 'TOO_LARGE' // a model or tensor is over a limit dlpack supports
  | 'UNSUPPORTED' // valid input that dlpack cannot handle (op, layer, dtype, arch)
  | 'USAGE' // bad flags or arguments
  | 'CONFIG' // bad configuration file
  | 'OUTPUT' // the output cannot be written where asked (same as input, unwritable folder)
  | 'RUNTIME' // an inference runtime failed to load or run the model
  | 'CHECK_FAILED' // a gate (accuracy, budget) failed
  | 'INTERNAL'; // an unexpected error (a bug, or a limit dlpack did not foresee), wrapped to name the file and the operation

/** Exit codes: 1 for failures of the work, 2 for usage and configuration errors (like size-limit). */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = { USAGE: 2, CONFIG: 2 };

export interface DlpackErrorOptions {
  /** The file the problem is in (printed first). */
  file?: string;
  /** A short hint or example of the right input, printed after the message. */
  hint?: string;
  /** The underlying error, kept for DEBUG output. */
  cause?: unknown;
}

export class DlpackError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly hint?: string;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: DlpackErrorOptions = {}) {
    super(capMessage(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DlpackError';
    this.code = code;
    this.file = options.file;
    this.hint = options.hint;
    this.exitCode = EXIT_CODES[code] ?? 1;
  }

  /** The single line the CLI prints: `<file>: <message>` (plus the hint, if any). */
  oneLine(): string {
    const msg = this.file ? `${this.file}: ${this.message}` : this.message;
    return escapeControls(this.hint ? `${msg} (${this.hint})` : msg);
  }

  toJSON(): { code: ErrorCode; message: string; file?: string; hint?: string } {
    return { code: this.code, message: this.message, file: this.file, hint: this.hint };
  }
}

export function isDlpackError(err: unknown): err is DlpackError {
  return err instanceof DlpackError;
}

const SYSTEM_MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
};

/**
 * Turns Node's file-system errors into DlpackErrors (one line, naming the path); returns other
 * errors unchanged.
 */
export function toDlpackError(err: unknown): unknown {
  if (err instanceof DlpackError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && SYSTEM_MESSAGES[e.code]) {
    const code: ErrorCode = e.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'OUTPUT';
    return new DlpackError(code, SYSTEM_MESSAGES[e.code], { file: e.path, cause: e });
  }
  return err;
}

/** The first line of an error's message (or its string form), without a stack. */
function firstLineOf(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown };
  const text = e instanceof Error ? `${e.name}: ${e.message}` : typeof err === 'string' ? err : String(err);
  return text.split('\n')[0];
}

/**
 * Any error → a DlpackError: known ones as they are (file-system errors named by their path),
 * anything else as one INTERNAL line naming the file and the operation, e.g.
 * `model.json: inspect failed: RangeError: Maximum call stack size exceeded`; the original error
 * (and its stack) is the cause, shown with DEBUG=1.
 */
export function wrapUnexpected(err: unknown, context: { file?: string; operation: string }): DlpackError {
  const known = toDlpackError(err);
  if (known instanceof DlpackError) return known;
  return new DlpackError('INTERNAL', `${context.operation} failed: ${firstLineOf(err)} (an internal error; DEBUG=1 shows its stack)`, {
    file: context.file,
    cause: err,
  });
}

/** Runs `fn`, turning anything it throws into a DlpackError naming `file` and `operation`. */
export async function withErrorContext<T>(context: { file?: string; operation: string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrapUnexpected(err, context);
  }
}
