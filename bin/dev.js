#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources in commands/ and src/ directly, no build needed.
// Start it as `node --import tsx bin/dev.js <command>` (the shebang does that for you).
// The development mode of oclif tries to register tsx by itself and silently falls back to the
// compiled output when that fails (it does with tsx 4), so the command folder is pointed at the
// TypeScript sources here instead.
import { Config, Plugin, run, handle, flush } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif.commands = './commands';
pjson.oclif.hooks = { command_not_found: './src/cli/hooks/command-not-found.ts' };
// The built oclif.manifest.json points at dist/commands; the root plugin must not read it here
// (Config.load does not pass its ignoreManifest option on to the root plugin).
const buildManifest = Plugin.prototype._manifest;
Plugin.prototype._manifest = function () {
  if (this.isRoot) this.options.ignoreManifest = true;
  return buildManifest.call(this);
};
const config = await Config.load({ root, pjson });
await run(process.argv.slice(2), config)
  .then(() => flush())
  .catch(handle);
