/**
 * The event each invocation receives: `--event file.json`, else a request generated from the
 * model's inputs in the body format dlpack's handlers read
 * (`{"inputs": {"<name>": {"dims": [...], "data": [...], "dtype": "..."}}}`), else `{}`.
 * Generated shapes: the first unknown dimension (batch) is 1, other unknown dimensions 64.
 * Values are deterministic (a fixed pattern in [0, 1) for floats, 1 for integers, false for bool).
 */
import { readFile } from 'node:fs/promises';
import { DlpackError, toDlpackError } from '../core/errors/dlpack-error.js';
import { quoted } from '../core/text.js';

export interface InputLike {
  name: string;
  dtype: string;
  shape: (number | string | null)[] | null;
}

export async function readEventFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw toDlpackError(err);
  }
  return parseEvent(text, path);
}

/** The event from a stream (`--event -`: standard input), named `stdin` in errors. */
export async function readEventStream(stream: AsyncIterable<Buffer | string>, name = 'stdin'): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return parseEvent(Buffer.concat(chunks).toString('utf8'), name);
}

function parseEvent(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DlpackError('USAGE', `the event is not valid JSON: ${(err as Error).message}`, { file });
  }
}

/** At most this many elements per generated input (keeps events far below payload limits). */
const MAX_ELEMENTS = 1_000_000;

export function eventFromInputs(inputs: InputLike[]): unknown {
  const out: Record<string, { dims: number[]; data: unknown[]; dtype: string }> = {};
  for (const input of inputs) {
    const raw = input.shape ?? [1];
    const dims = raw.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : 64));
    const count = dims.reduce((a, b) => a * b, 1);
    if (count > MAX_ELEMENTS) {
      throw new DlpackError('TOO_LARGE', `input ${quoted(input.name)} would have ${count} elements`, { hint: 'pass a smaller request with --event file.json' });
    }
    out[input.name] = { dims, data: valuesFor(input.dtype, count), dtype: input.dtype };
  }
  return { inputs: out };
}

function valuesFor(dtype: string, count: number): unknown[] {
  const data = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    if (dtype.startsWith('float') || dtype === 'bfloat16') data[i] = ((i * 7919) % 1000) / 1000;
    else if (dtype === 'bool') data[i] = false;
    else if (dtype === 'string') data[i] = 'dlpack';
    else data[i] = 1;
  }
  return data;
}
