/** Cloud Run functions' own local runtime: @google-cloud/functions-framework (`build/src/main.js`), the framework the function runs in. */
import { join } from 'node:path';
import { notInstalled, type LocalHostRecipe } from '../shared/local-host.js';

const FF = '@google-cloud/functions-framework';

export const localHost: LocalHostRecipe = {
  kind: 'npm',
  packages: [{ name: FF, file: join('build', 'src', 'main.js') }],
  boot: 'http',
  missing: (hosts) => notInstalled(hosts, FF),
  name: (hosts) => `${FF} ${hosts.packages[FF]?.version}`,
  launch: (ctx) => ({
    command: ctx.node,
    args: ctx.nodeArgs(ctx.hosts.packages[FF].script, '--target=handler', '--signature-type=http', `--port=${ctx.port}`, `--source=${ctx.dir}`),
    // it listens once the function is loaded (it prints nothing with NODE_ENV=production)
    env: { PORT: String(ctx.port) },
    stamped: true,
  }),
};
