/**
 * TF.js on tfjs-backend-wasm inside a bundle. Exactly one binary ships: tfjs-backend-wasm-simd.wasm
 * (SIMD on, threads off: the threaded build needs its worker script beside the page). The backend
 * fetches it through TF.js's platform fetch, which we answer from the bundle's assets — bytes on
 * Node, a precompiled module on Workers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmSource } from 'dlpack:assets';
import { wasmBinaryFor } from './precompiled-wasm.js';

const WASM_URL = 'dlpack-asset:tfjs-backend-wasm-simd.wasm';

function webStandardPlatform() {
  return {
    fetch: (path: string, init?: RequestInit) => fetch(path, init),
    now: () => performance.now(),
    encode: (text: string) => new TextEncoder().encode(text),
    decode: (bytes: Uint8Array, encoding: string) => new TextDecoder(encoding).decode(bytes),
    isTypedArray: (a: unknown): a is Float32Array | Int32Array | Uint8Array | Uint8ClampedArray =>
      ArrayBuffer.isView(a) && !(a instanceof DataView),
    setTimeoutCustom: (fn: () => void, delay: number) => void setTimeout(fn, delay),
  };
}

export async function initTfjsWasm(wasmFile: string | undefined): Promise<string> {
  if (!wasmFile) throw new Error('bundle has no wasm file for tfjs-backend-wasm');
  const bytes = wasmBinaryFor(await wasmSource(wasmFile));
  tf.enableProdMode();
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // Workers look neither like Node nor like a browser to TF.js: give it a web-standard platform.
  if (!tf.env().platform) tf.setPlatform('dlpack-web-standard', webStandardPlatform());
  const platform = tf.env().platform as { fetch: (path: string, init?: unknown) => Promise<Response> };
  const originalFetch = platform.fetch.bind(platform);
  platform.fetch = async (path: string, init?: unknown) =>
    path === WASM_URL ? new Response(bytes as unknown as ArrayBuffer, { status: 200 }) : originalFetch(path, init);
  setWasmPaths(
    {
      'tfjs-backend-wasm.wasm': WASM_URL,
      'tfjs-backend-wasm-simd.wasm': WASM_URL,
      'tfjs-backend-wasm-threaded-simd.wasm': WASM_URL,
    },
    true,
  );
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm failed to initialise');
  await tf.ready();
  return `tfjs ${tf.version_core} (wasm simd, 1 thread)`;
}
