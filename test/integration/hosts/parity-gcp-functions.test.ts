/** Host parity for gcp-functions: see parity-suite.ts. */
import { test } from 'uvu';
import { paritySuite } from './parity-suite.js';

paritySuite('gcp-functions');
test.run();
