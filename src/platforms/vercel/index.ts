/** The vercel platform module: facts, bundle target, emulator and local host (see README.md). */
import { definePlatform } from '../contract.js';
import { vercel } from './facts.js';
import { bundle } from './bundle.js';
import { front } from './front.js';
import { localHost } from './local-host.js';

export default definePlatform(import.meta.url, vercel, bundle, { loader: 'import', front }, localHost);
