/**
 * Build step (`npm run build`): writes oclif.manifest.json, the cached description of every
 * command (flags, args, examples). With it oclif imports only the command that runs; without it
 * every start-up (even `dlpack --version`) imports all commands and the library behind them.
 * Usage: node dist/src/cli/write-oclif-manifest.js
 */
import { Config } from '@oclif/core';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const file = join(root, 'oclif.manifest.json');
rmSync(file, { force: true });
const config = await Config.load({ root, ignoreManifest: true });
// The plugin implementation keeps the manifest it built (oclif's own `oclif manifest` reads the same).
const plugin = config.plugins.get(config.pjson.name) as unknown as { manifest?: { commands: Record<string, unknown> } } | undefined;
if (!plugin?.manifest) throw new Error(`plugin ${config.pjson.name} not found under ${root}`);
const count = Object.keys(plugin.manifest.commands).length;
if (count === 0) throw new Error('no commands found: is dist/commands built?');
writeFileSync(file, JSON.stringify(plugin.manifest, null, 2) + '\n');
console.log(`oclif.manifest.json: ${count} commands`);
