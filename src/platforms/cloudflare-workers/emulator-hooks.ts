/**
 * Runs a Workers bundle in plain Node the way Workers load it: wrangler.toml's module rules make
 * `*.wasm` a CompiledWasm module (default export: a WebAssembly.Module) and `model/**` Data modules
 * (default export: an ArrayBuffer). These Node module hooks do the same, so tests and `dlpack bench`
 * can import the bundle's index.mjs and call its fetch(). Use: node --import <workersModuleHooksImport()>.
 */
const HOOKS = `
import { readFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.wasm')) {
    return { format: 'module', shortCircuit: true, source:
      'import { readFileSync } from "node:fs";' +
      'export default new WebAssembly.Module(readFileSync(new URL(' + JSON.stringify(url) + ')));' };
  }
  if (url.startsWith('file:') && /\\/model\\//.test(url)) {
    return { format: 'module', shortCircuit: true, source:
      'import { readFileSync } from "node:fs";' +
      'const b = readFileSync(new URL(' + JSON.stringify(url) + '));' +
      'export default b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);' };
  }
  return nextLoad(url, context);
}
`;

const REGISTER = `
import { register } from 'node:module';
register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(HOOKS))});
`;

/** A data: URL for `node --import` that installs the Workers module rules (Node ≥ 20.6). */
export function workersModuleHooksImport(): string {
  return 'data:text/javascript,' + encodeURIComponent(REGISTER);
}
