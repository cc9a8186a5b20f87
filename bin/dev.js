#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources in commands/ and src/ directly, no build needed.
// Start it as `node --import tsx bin/dev.js <command>` (the shebang does that for you).
// The development mode of oclif tries to register tsx by itself and silently falls back to the
// compiled output when that fails (it does with tsx 4), so the command folder is pointed at the
// TypeScript sources here instead.
import { Config, run, handle, flush } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif.commands = './commands';
const config = await Config.load({ root, pjson, ignoreManifest: true });
await run(process.argv.slice(2), config)
  .then(() => flush())
  .catch(handle);
