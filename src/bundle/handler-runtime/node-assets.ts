/**
 * `dlpack:assets` for Node targets: files shipped beside the bundle, found from the bundle's own
 * folder (__dirname of the CommonJS bundle), never from node_modules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function assetPath(path: string): string {
  return join(__dirname, path);
}

export async function readAsset(path: string): Promise<Uint8Array> {
  return readFileSync(assetPath(path));
}

export async function wasmSource(path: string): Promise<Uint8Array | WebAssembly.Module> {
  return readAsset(path);
}
