/**
 * The answer's tensors on the wire (core/tensor/wire-encoding.ts, handler-runtime/tensor-response.ts):
 * every dtype through JSON and base64 and back (JSON.stringify/parse in between, as on the wire)
 * gives the same typed array; the encoding a request asks for (field, header, unknown); a corrupt
 * answer is a RangeError naming the output.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeOutputs, decodeTensor, base64ToBytes, bytesToBase64 } from '../../../src/core/tensor/wire-encoding.js';
import { encodeTensor } from '../../../src/bundle/handler-runtime/tensor-response.js';
import { requestedEncoding, RequestError } from '../../../src/bundle/handler-runtime/tensor-request.js';
import { float32ToFloat16Bits } from '../../../src/core/tensor/float16.js';
import type { Tensor } from '../../../src/bundle/handler-runtime/model-session.js';

const tensors: Tensor[] = [
  { dtype: 'float32', dims: [2, 3], data: new Float32Array([0.1, -2.5, NaN, Infinity, -Infinity, 3.4028234663852886e38]) },
  { dtype: 'float64', dims: [3], data: new Float64Array([Math.PI, -1e300, 1e-300]) },
  { dtype: 'float16', dims: [3], data: new Uint16Array([0.5, -1, 65504].map(float32ToFloat16Bits)) },
  { dtype: 'int8', dims: [2], data: new Int8Array([-128, 127]) },
  { dtype: 'uint8', dims: [2], data: new Uint8Array([0, 255]) },
  { dtype: 'int16', dims: [2], data: new Int16Array([-32768, 32767]) },
  { dtype: 'uint16', dims: [1], data: new Uint16Array([65535]) },
  { dtype: 'int32', dims: [2], data: new Int32Array([-2147483648, 2147483647]) },
  { dtype: 'uint32', dims: [1], data: new Uint32Array([4294967295]) },
  { dtype: 'int64', dims: [3], data: new BigInt64Array([-(2n ** 63n), 2n ** 53n + 1n, 7n]) },
  { dtype: 'uint64', dims: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
  { dtype: 'bool', dims: [3], data: new Uint8Array([1, 0, 1]) },
  { dtype: 'float32', dims: [0, 4], data: new Float32Array(0) },
];

const wire = (v: unknown) => JSON.parse(JSON.stringify(v));
/** dtype, dims and the data's bytes (NaN is not equal to itself element by element). */
const view = (t: { dtype: string; dims: number[]; data: unknown }) => {
  const d = t.data as Float32Array;
  return { dtype: t.dtype, dims: t.dims, type: d.constructor.name, bytes: [...new Uint8Array(d.buffer, d.byteOffset, d.byteLength)] };
};

for (const t of tensors) {
  test(`${t.dtype} [${t.dims}]: JSON and base64 decode to the same typed array`, () => {
    const json = decodeTensor(wire(encodeTensor(t, 'json')));
    const b64 = wire(encodeTensor(t, 'base64'));
    assert.is(b64.encoding, 'base64');
    const compact = decodeTensor(b64);
    assert.equal(view(compact), view(t));
    assert.equal(view(json), view(compact));
  });
}

test('string tensors stay JSON when base64 is asked for', () => {
  const t: Tensor = { dtype: 'string', dims: [2], data: ['a', 'b'] };
  assert.equal(wire(encodeTensor(t, 'base64')), { dtype: 'string', dims: [2], data: ['a', 'b'] });
  assert.equal(decodeTensor(wire(encodeTensor(t, 'base64'))).data, ['a', 'b']);
});

test('a view at an odd offset encodes its own bytes; decoding copies to an aligned buffer', () => {
  const backing = new Uint8Array(13);
  const view = new Float32Array(new Float32Array([1.5, -3]).buffer);
  backing.set(new Uint8Array(view.buffer), 1);
  const b64 = bytesToBase64(backing.subarray(1, 9));
  const bytes = base64ToBytes(b64);
  assert.equal([...bytes], [...new Uint8Array(view.buffer)]);
  assert.equal(decodeTensor({ dtype: 'float32', dims: [2], encoding: 'base64', data: b64 }).data, view);
});

test('the encoding a request asks for: the body field, else the header, else JSON; anything else is a 400', () => {
  assert.is(requestedEncoding(undefined), 'json');
  assert.is(requestedEncoding(undefined, ' Base64 '), 'base64');
  assert.is(requestedEncoding('json', 'base64'), 'json');
  for (const bad of ['zstd', 3, '']) {
    try {
      requestedEncoding(bad);
      assert.unreachable();
    } catch (err) {
      assert.instance(err, RequestError);
      assert.is((err as RequestError).status, 400);
      assert.match((err as Error).message, /unknown encoding .*; use one of: json, base64/);
    }
  }
});

test('a corrupt answer: a RangeError naming the output and the problem', () => {
  const bad = (v: unknown, re: RegExp) => assert.throws(() => decodeOutputs({ outputs: { probs: v } }), (e: Error) => e instanceof RangeError && re.test(e.message));
  bad({ dtype: 'float32', dims: [3], encoding: 'base64', data: bytesToBase64(new Uint8Array(8)) }, /output "probs": 8 bytes for 3 float32 elements/);
  bad({ dtype: 'float32', dims: [3], data: [1, 2] }, /output "probs": 2 elements for dims \[3\]/);
  bad({ dtype: 'float32', dims: [3], encoding: 'gzip', data: '' }, /unknown encoding "gzip"/);
  bad({ dtype: 'string', dims: [1], encoding: 'base64', data: '' }, /dtype string has no base64 form/);
  bad({ dims: [1], data: [1] }, /no "dtype"/);
  assert.throws(() => decodeOutputs({ error: 'x' }), /no "outputs" object/);
});

test.run();
