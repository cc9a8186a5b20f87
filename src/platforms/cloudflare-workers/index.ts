/** The cloudflare-workers platform module: facts, bundle target and emulator (see README.md). */
import { sibling, type PlatformModule } from '../contract.js';
import { cloudflareWorkers as facts } from './facts.js';
import { bundle } from './bundle.js';
import { workersModuleHooksImport } from './emulator-hooks.js';

const platform: PlatformModule = {
  id: facts.id,
  facts,
  bundle,
  emulator: {
    convention: sibling(import.meta.url, 'convention'),
    loader: 'import',
    // Workers without nodejs_compat have no `process`: libraries that detect Node by it (TF.js) take their web path, as on workerd
    hideGlobals: ['process'],
    // wrangler.toml's module rules (wasm, model files), installed as Node module hooks
    nodeImports: (b) => (b.modules?.length ? [workersModuleHooksImport()] : []),
  },
};
export default platform;
