/** Host parity for aws-lambda: see parity-suite.ts. */
import { test } from 'uvu';
import { paritySuite } from './parity-suite.js';

paritySuite('aws-lambda');
test.run();
