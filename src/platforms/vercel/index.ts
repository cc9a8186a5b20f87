/** The vercel platform module: facts, bundle target and emulator (see README.md). */
import { definePlatform } from '../contract.js';
import { vercel } from './facts.js';
import { bundle } from './bundle.js';
import { front } from './front.js';

export default definePlatform(import.meta.url, vercel, bundle, { loader: 'import', front });
