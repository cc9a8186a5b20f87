/** Host parity for vercel: see parity-suite.ts. */
import { test } from 'uvu';
import { paritySuite } from './parity-suite.js';

paritySuite('vercel');
test.run();
