#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources directly (no build). Start it with
// `node --import tsx bin/dev.js <command>` (the shebang does that for you).
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
