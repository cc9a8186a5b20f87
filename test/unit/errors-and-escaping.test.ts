/**
 * Every fault is one line naming the file and the operation (stack with DEBUG=1), and model-derived
 * strings reach the terminal escaped and capped: the one escaping function (src/core/text.ts)
 * in the CLI's output sink and in every error line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Args } from '@oclif/core';
import { DlpackCommand } from '../../src/cli/base-command.js';
import { DlpackError, wrapUnexpected } from '../../src/core/errors/dlpack-error.js';
import { capMessage, escapeControls, escapeJsonText, quoted } from '../../src/core/text.js';
import { encodeModelProto } from '../../src/formats/onnx/onnx-codec.js';
import { readOnnx } from '../../src/formats/onnx/index.js';
import { ROOT, runCommand, runInProcess } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'dlpack-escaping-'));
const HOSTILE = '\x1b[2J\x1b]0;pwned\x07\rError: fake line\u202eevil\u2066\x9b31m';

test('escapeControls: C0, DEL, C1, bidi overrides and isolates, line separators; plain text untouched', () => {
  assert.is(escapeControls(HOSTILE), '\\x1B[2J\\x1B]0;pwned\\x07\\x0DError: fake line\\u202Eevil\\u2066\\x9B31m');
  assert.is(escapeControls('a\nb\tc'), 'a\\x0Ab\\x09c');
  assert.is(escapeControls('a\nb\tc\rd', { multiline: true }), 'a\nb\tc\\x0Dd');
  const plain = 'input_ids · 名前 ✓ [batch, 16] │ ─';
  assert.is(escapeControls(plain), plain);
  assert.is(escapeControls('\u2028\u2029\u200e\u200f\u061c\x7f'), '\\u2028\\u2029\\u200E\\u200F\\u061C\\x7F');
});

test('quoted() caps a model string and says how much was cut; capMessage keeps start and end', () => {
  const q = quoted('x'.repeat(219_000));
  assert.ok(q.length < 200, String(q.length));
  assert.match(q, /… \(218880 more characters\)"$/);
  const long = `start ${'y'.repeat(10_000)} the problem`;
  const capped = capMessage(long);
  assert.ok(capped.length < 2100);
  assert.ok(capped.startsWith('start '));
  assert.ok(capped.endsWith(' the problem'));
  assert.ok(new DlpackError('CORRUPT_MODEL', long).message.length < 2100, 'every DlpackError message is capped');
});

test('JSON output: C1 and bidi written as \\u escapes, the same data when parsed', () => {
  const text = escapeJsonText(JSON.stringify({ name: HOSTILE }));
  assert.not.match(text, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.equal(JSON.parse(text), { name: HOSTILE });
});

test('an unexpected error is wrapped as one line naming the file and the operation', () => {
  const e = wrapUnexpected(new RangeError('Invalid typed array length: 4294967296'), { file: 'm.onnx', operation: 'quantize' });
  assert.is(e.code, 'INTERNAL');
  assert.is(e.oneLine(), 'm.onnx: quantize failed: RangeError: Invalid typed array length: 4294967296 (an internal error; DEBUG=1 shows its stack)');
  const fsErr = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/x/y' });
  assert.is(wrapUnexpected(fsErr, { operation: 'bundle' }).oneLine(), '/x/y: no such file or directory');
});

/** A command whose engine hits a bug: what the user sees. */
class Boom extends DlpackCommand {
  static args = { model: Args.string({ required: true }) };
  async run() {
    const { args } = await this.parse(Boom);
    throw new RangeError(`Maximum call stack size exceeded near ${args.model.length}`);
  }
}
Boom.id = 'boom';

test('CLI: an internal error is one stderr line with the file and the command, exit 1; DEBUG=1 (not only DEBUG=*) adds its stack', async () => {
  const saved = process.env.DEBUG;
  try {
    delete process.env.DEBUG;
    const quiet = await runCommand(Boom, ['weights/model.json']);
    assert.is(quiet.exitCode, 1);
    const lines = quiet.stderr.trim().split('\n');
    assert.equal(lines, ['Error: weights/model.json: boom failed: RangeError: Maximum call stack size exceeded near 18 (an internal error; DEBUG=1 shows its stack)']);
    process.env.DEBUG = '1';
    const loud = await runCommand(Boom, ['weights/model.json']);
    assert.match(loud.stderr, /RangeError: Maximum call stack size exceeded[^\n]*\n\s+at /);
    assert.match(loud.stderr, /Error: weights\/model\.json: boom failed/);
  } finally {
    if (saved === undefined) delete process.env.DEBUG;
    else process.env.DEBUG = saved;
  }
});

test('CLI: a crafted input name is shown escaped by inspect (table and --json) and in errors', async () => {
  const m = (await readOnnx(join(ROOT, 'fixtures/models/mlp.onnx'))).proto;
  m.graph!.input![0].name = HOSTILE;
  m.graph!.node![0].input![0] = HOSTILE;
  m.producer_name = `evil\x1b]0;title\x07`;
  const file = join(work, 'escape.onnx');
  writeFileSync(file, await encodeModelProto(m));
  const table = await runInProcess(['inspect', file]);
  assert.is(table.code, 0, table.stderr);
  assert.not.match(table.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.ok(table.stdout.includes('\\x1B[2J\\x1B]0;pwned\\x07\\x0DError: fake line\\u202Eevil'), table.stdout);
  assert.ok(table.stdout.includes('evil\\x1B]0;title\\x07'));
  const json = await runInProcess(['inspect', file, '--json']);
  assert.not.match(json.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.is(JSON.parse(json.stdout).model.inputs[0].name, HOSTILE, '--json keeps the true name');

  // an error quoting a hostile, 219 KB tensor name: escaped and capped
  const bad = structuredClone(m);
  bad.graph!.initializer![0].name = `${HOSTILE}${'n'.repeat(219_000)}`;
  bad.graph!.node![0].input![1] = bad.graph!.initializer![0].name;
  bad.graph!.initializer![0].data_type = 99;
  const badFile = join(work, 'bad-name.onnx');
  writeFileSync(badFile, await encodeModelProto(bad));
  const r = await runInProcess(['inspect', badFile]);
  assert.is(r.code, 1);
  assert.ok(r.stderr.length < 600, `stderr is ${r.stderr.length} characters`);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.not.match(r.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.match(r.stderr, /unknown data type 99/);
});

test('the catalogue keeps the error data raw for --json consumers (only display escapes)', () => {
  const e = new DlpackError('CORRUPT_MODEL', 'bad', { file: 'a\x1bb' });
  assert.is(e.file, 'a\x1bb');
  assert.is(e.oneLine(), 'a\\x1Bb: bad');
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
