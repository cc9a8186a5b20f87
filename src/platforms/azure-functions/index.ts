/** The azure-functions platform module: facts, bundle target and emulator (see README.md). */
import { definePlatform } from '../contract.js';
import { azureFunctions } from './facts.js';
import { bundle } from './bundle.js';
import { front } from './front.js';

export default definePlatform(import.meta.url, azureFunctions, bundle, { loader: 'by-type', front });
