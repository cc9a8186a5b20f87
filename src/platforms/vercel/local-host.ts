/** Vercel's own local runtime: @vercel/node's `dist/dev-server.mjs`, the server `vercel dev` forks for a Node.js function. */
import { join } from 'node:path';
import { notInstalled, type LocalHostRecipe } from '../shared/local-host.js';

const VERCEL_NODE = '@vercel/node';

export const localHost: LocalHostRecipe = {
  kind: 'npm',
  packages: [{ name: VERCEL_NODE, file: join('dist', 'dev-server.mjs') }],
  boot: 'http',
  missing: (hosts) => notInstalled(hosts, VERCEL_NODE),
  name: (hosts) => `${VERCEL_NODE} ${hosts.packages[VERCEL_NODE]?.version} dev server`,
  // as @vercel/node's startDevServer forks it: the entry relative to the folder, config as JSON
  launch: (ctx) => ({
    command: ctx.node,
    args: ['--no-warnings', ...ctx.nodeArgs(ctx.hosts.packages[VERCEL_NODE].script)],
    env: { VERCEL_DEV_ENTRYPOINT: ctx.entry, VERCEL_DEV_CONFIG: '{}', VERCEL_DEV_BUILD_ENV: '{}', VERCEL_DEV_PUBLIC_DIR: '', VERCEL_DEV_PORT: String(ctx.port) },
    readyLine: /Dev server listening/,
    stamped: true,
  }),
};
