/**
 * Lambda's own local runtime: aws-lambda-ric (`bin/index.mjs`), the Runtime Interface Client of the
 * Node.js managed runtimes, polling dlpack's Lambda Runtime API (src/sim/lambda-runtime-api.ts) for
 * events, as on Lambda.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { notInstalled, type LocalHostRecipe } from '../shared/local-host.js';

const RIC = 'aws-lambda-ric';

export const localHost: LocalHostRecipe = {
  kind: 'npm',
  packages: [
    {
      name: RIC,
      file: join('bin', 'index.mjs'),
      // the RIC cannot start without its native Runtime API client (built at install; an interrupted
      // install leaves the module without it): then the host counts as absent, so its tiers skip
      accept(p) {
        const module = join(dirname(dirname(p.script)), 'dist', 'index.mjs');
        return existsSync(module) && existsSync(join(dirname(module), 'rapid-client.node')) ? { ...p, module } : undefined;
      },
    },
  ],
  boot: 'runtime-api',
  missing: (hosts) => notInstalled(hosts, RIC),
  name: (hosts) => `${RIC} ${hosts.packages[RIC]?.version} on dlpack's Lambda Runtime API`,
  // the RIC's module and the native client its RAPIDClient loads before the handler
  runtimeModules(hosts) {
    const module = hosts.packages[RIC]?.module;
    if (!module) return undefined;
    const native = join(dirname(module), 'rapid-client.node');
    return existsSync(native) ? [module, native] : [module];
  },
  launch(ctx) {
    const handler = `${ctx.entry.replace(/\.[cm]?js$/, '')}.handler`;
    return {
      command: ctx.node,
      args: ctx.nodeArgs(ctx.hosts.packages[RIC].script, handler),
      env: { AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi!, LAMBDA_TASK_ROOT: ctx.dir, _HANDLER: handler, LAMBDA_RUNTIME_DIR: ctx.dir },
      stamped: true,
    };
  },
};
