/** Host parity for cloudflare-workers: see parity-suite.ts. */
import { test } from 'uvu';
import { paritySuite } from './parity-suite.js';

paritySuite('cloudflare-workers');
test.run();
