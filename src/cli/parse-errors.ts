/**
 * oclif's parser errors (unknown flag, bad option value, missing argument…) as one-line usage
 * errors (exit 2) with a "did you mean" where a close flag or value exists, instead of oclif's
 * multi-line message followed by the whole usage text.
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { closest } from '../core/errors/did-you-mean.js';

/** What the parse error needs to know about the command that failed to parse. */
export interface CommandShape {
  id: string;
  bin: string;
  flags: Record<string, { char?: string; options?: readonly string[]; aliases?: string[] }>;
}

interface ParseErrorLike {
  message: string;
  parse?: unknown;
  flags?: string[];
  args?: { name?: string; description?: string }[] | string[];
}

/**
 * True for the errors oclif's parser throws: they carry the parse state, or (flag values that fail
 * to parse, e.g. `--cold abc`) end with oclif's "See more help with --help".
 */
export function isParseError(err: unknown): err is ParseErrorLike {
  if (!err || typeof err !== 'object' || typeof (err as { message?: unknown }).message !== 'string') return false;
  return 'parse' in err || /\nSee more help with --help\s*$/.test((err as { message: string }).message);
}

function flagNames(cmd: CommandShape): string[] {
  const names: string[] = [];
  for (const [name, f] of Object.entries(cmd.flags)) {
    names.push(`--${name}`);
    if (f.char) names.push(`-${f.char}`);
    for (const a of f.aliases ?? []) names.push(a.length === 1 ? `-${a}` : `--${a}`);
  }
  return names;
}

/** oclif's message on one line, without its "See more help with --help" tail. */
function flatten(message: string): string {
  return message
    .replace(/\nSee more help with --help\s*$/, '')
    .replace(/^The following errors? occurred:\s*/, '')
    .replace(/^Parsing (--[\w-]+)\s*\n\s*/, '$1: ')
    .replace(/Missing required flag ([\w-]+)/g, 'missing required flag --$1')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ')
    .replace(/\s+;/g, ';');
}

export function parseErrorToUsage(err: ParseErrorLike, cmd: CommandShape): DlpackError {
  const help = `${cmd.bin} ${cmd.id} --help lists every flag`;
  if (Array.isArray(err.flags) && err.flags.length > 0) {
    const typed = err.flags.map((f) => f.split('=')[0]);
    const known = flagNames(cmd);
    const parts = typed.map((f) => {
      const s = closest(f, known);
      return s ? `${f} (did you mean ${s}?)` : f;
    });
    return new DlpackError('USAGE', `unknown flag${typed.length === 1 ? '' : 's'} ${parts.join(', ')}`, { hint: help, cause: err });
  }
  const option = err.message.match(/^Expected --([\w-]+)=(.*) to be one of: (.*)$/m);
  if (option) {
    const [, name, value, list] = option;
    const s = closest(value, list.split(', '));
    return new DlpackError('USAGE', `--${name} ${value} is not one of ${list}${s ? ` (did you mean ${s}?)` : ''}`, { hint: `${cmd.bin} ${cmd.id} --help`, cause: err });
  }
  const missing = err.message.match(/^Missing (\d+) required args?/);
  if (missing && Array.isArray(err.args)) {
    const names = (err.args as { name?: string }[]).map((a) => (a.name ?? '').toUpperCase()).filter(Boolean);
    return new DlpackError('USAGE', `missing argument ${names.join(' ')}`, { hint: `${cmd.bin} ${cmd.id} --help shows an example`, cause: err });
  }
  return new DlpackError('USAGE', flatten(err.message).replace(/^./, (c) => c.toLowerCase()), { hint: `${cmd.bin} ${cmd.id} --help`, cause: err });
}
