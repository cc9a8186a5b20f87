/**
 * Modules that exist only inside a bundle: dlpack's esbuild plugin (src/bundle/virtual-modules.ts)
 * generates them per build. These declarations let tsc check the handler templates.
 */
declare module 'dlpack:config' {
  import type { HandlerConfig } from './handler-config.js';
  const config: HandlerConfig;
  export default config;
}

declare module 'dlpack:runtime' {
  import type { LoadModel } from './model-session.js';
  export const loadModel: LoadModel;
}

declare module 'dlpack:assets' {
  /** Absolute path of a bundled file (Node targets only; Workers have no file system). */
  export function assetPath(path: string): string;
  /** Bytes of a file shipped in the bundle (path relative to the bundle root). */
  export function readAsset(path: string): Promise<Uint8Array>;
  /** The wasm binary as the platform provides it: bytes (Node) or a compiled module (Workers). */
  export function wasmSource(path: string): Promise<Uint8Array | WebAssembly.Module>;
}

declare module 'dlpack:handler' {
  /** The handler runtime's API for templates (./handler-api.ts, which esbuild bundles in its place). */
  import type * as api from './handler-api.js';
  export const predict: typeof api.predict;
  export const preload: typeof api.preload;
  export const config: typeof api.config;
  export const base64DecodedLength: typeof api.base64DecodedLength;
  export const encodingHeader: typeof api.encodingHeader;
  export const ENCODING_HEADER: typeof api.ENCODING_HEADER;
  export const methodNotAllowed: typeof api.methodNotAllowed;
  export const requestBody: typeof api.requestBody;
  export const sendJson: typeof api.sendJson;
  export type PredictResult = api.PredictResult;
  export type NodeRequest = api.NodeRequest;
}
