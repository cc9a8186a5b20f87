/** The cloudflare-workers platform module: facts, bundle target, emulator and local host (see README.md). */
import { definePlatform } from '../contract.js';
import { cloudflareWorkers } from './facts.js';
import { bundle } from './bundle.js';
import { front } from './front.js';
import { localHost } from './local-host.js';
import { workersModuleHooksImport } from './emulator-hooks.js';

export default definePlatform(import.meta.url, cloudflareWorkers, bundle, {
  loader: 'import',
  front,
  // Workers without nodejs_compat have no `process`: libraries that detect Node by it (TF.js) take their web path, as on workerd
  hideGlobals: ['process'],
  // wrangler.toml's module rules (wasm, model files), installed as Node module hooks
  nodeImports: (b) => (b.modules?.length ? [workersModuleHooksImport()] : []),
}, localHost);
