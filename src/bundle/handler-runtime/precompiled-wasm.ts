/**
 * Cloudflare Workers cannot compile WebAssembly from bytes at run time: the .wasm file is uploaded
 * as a module and imported as a compiled WebAssembly.Module. Emscripten glue (onnxruntime-web,
 * tfjs-backend-wasm) only instantiates from bytes, so we hand it a short marker instead of the
 * bytes and route WebAssembly.instantiate(marker, imports) to the precompiled module.
 */
const MARKER = [0x00, 0x64, 0x6c, 0x70, 0x61, 0x63, 0x6b, 0x2d, 0x77, 0x61, 0x73, 0x6d]; // "\0dlpack-wasm"

function isMarker(source: unknown): boolean {
  let bytes: Uint8Array | undefined;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  return !!bytes && bytes.length === MARKER.length && MARKER.every((b, i) => bytes![i] === b);
}

/** Returns bytes to pass where the glue expects the wasm binary; instantiation uses `module`. */
export function precompiledWasmBinary(module: WebAssembly.Module): Uint8Array {
  const original = WebAssembly.instantiate.bind(WebAssembly) as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>;
  const patched = (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    if (isMarker(source)) {
      return (original(module, imports) as Promise<WebAssembly.Instance>).then((instance) => ({ instance, module }));
    }
    return original(source, imports);
  };
  (WebAssembly as { instantiate: unknown }).instantiate = patched;
  return new Uint8Array(MARKER);
}

/** Bytes for the glue: the file's bytes as they are (Node), or the marker for a precompiled module (Workers). */
export function wasmBinaryFor(source: Uint8Array | WebAssembly.Module): Uint8Array {
  return source instanceof Uint8Array ? source : precompiledWasmBinary(source);
}
