/**
 * Runs one dlpack command class from the TypeScript sources in this process, with oclif's own
 * error handling and exit codes: `node --import tsx test/helpers/cli-entry.ts <command> [args…]`.
 * (bin/dev.js finds commands through oclif's tsx registration, which falls back to a stale
 * dist/ here; this entry imports the source command directly.)
 */
import { flush, handle } from '@oclif/core';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [id, ...argv] = process.argv.slice(2);
try {
  const { default: Cmd } = await import(`../../commands/${id}.js`);
  await Cmd.run(argv, { root });
  await flush();
} catch (err) {
  await handle(err as Error);
}
