/** The aws-lambda platform module: facts, bundle target and emulator (see README.md). */
import { sibling, type PlatformModule } from '../contract.js';
import { awsLambda as facts } from './facts.js';
import { bundle } from './bundle.js';

const platform: PlatformModule = {
  id: facts.id,
  facts,
  bundle,
  emulator: {
    convention: sibling(import.meta.url, 'convention'),
    loader: 'ric',
  },
};
export default platform;
