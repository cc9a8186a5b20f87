/**
 * The local-host recipes (src/platforms/<id>/local-host.ts) as src/sim/local-hosts.ts reads them:
 * packages found in $DLPACK_HOSTS_DIR first, a recipe refusing an incomplete install, the missing-host
 * lines, the report names, and the launch each recipe builds (command, args, env, stamp).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findLocalHosts, localHostOf, missingHost, realHostName, runtimeModulesFor } from '../../../src/sim/local-hosts.js';
import type { LaunchContext, LocalHosts } from '../../../src/platforms/shared/local-host.js';

const root = mkdtempSync(join(tmpdir(), 'dlpack-local-hosts-'));
const put = (file: string, text = '') => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};
put('node_modules/@google-cloud/functions-framework/build/src/main.js');
put('node_modules/@google-cloud/functions-framework/package.json', '{"version":"9.9.9"}');
// a RIC without its native client (an interrupted install): the first one found, refused
put('node_modules/aws-lambda-ric/bin/index.mjs');
put('node_modules/aws-lambda-ric/dist/index.mjs');
put('node_modules/aws-lambda-ric/package.json', '{"version":"3.0.0"}');
const hosts = findLocalHosts({ cwd: root, env: { DLPACK_HOSTS_DIR: root } });

test('packages come from $DLPACK_HOSTS_DIR first; an incomplete install counts as absent', () => {
  assert.is(hosts.searched[0], join(root, 'node_modules'));
  assert.is(hosts.packages['@google-cloud/functions-framework'].version, '9.9.9');
  assert.is(realHostName('gcp-functions', hosts), '@google-cloud/functions-framework 9.9.9');
  assert.is(hosts.packages['aws-lambda-ric'], undefined);
  assert.is(missingHost(hosts, 'aws-lambda'), 'aws-lambda-ric is not installed (install it with .ci/install-tools.sh, or npm i -D it in this folder)');
  assert.is(runtimeModulesFor(hosts, 'aws-lambda'), undefined);
  assert.is(missingHost(hosts, 'gcp-functions'), undefined);
});

test('missing-host lines per use; Azure stays emulated', () => {
  const none: LocalHosts = { searched: [], packages: {}, nodes: { '20': '/node20' } };
  assert.is(missingHost(none, 'cloudflare-workers', 'bench'), 'workerd is not installed (install it with .ci/install-tools.sh, or npm i -D it in this folder)');
  assert.is(missingHost(none, 'cloudflare-workers', 'parity'), 'wrangler is not installed (install it with .ci/install-tools.sh, or npm i -D it in this folder)');
  const wrangler = { ...none, packages: { wrangler: { script: '/w.js', version: '4' } } };
  assert.match(missingHost(wrangler, 'cloudflare-workers', 'parity') ?? '', /wrangler needs Node\.js ≥ 22/);
  assert.is(missingHost({ ...wrangler, nodes: { '22': '/node22' } }, 'cloudflare-workers', 'parity'), undefined);
  assert.match(missingHost(none, 'azure-functions') ?? '', /Azure stays emulated/);
  assert.is(realHostName('azure-functions', none), 'azure-functions');
  assert.is(localHostOf('azure-functions').kind, 'none');
});

test('each recipe launches its host as before: command, args, env, stamp, boot', () => {
  const installed: LocalHosts = {
    searched: [],
    nodes: { '20': '/node20', '22': '/node22' },
    packages: {
      'aws-lambda-ric': { script: '/ric/bin/index.mjs', version: '3.3.0', module: '/ric/dist/index.mjs' },
      '@google-cloud/functions-framework': { script: '/ff/main.js', version: '4' },
      '@vercel/node': { script: '/vn/dev-server.mjs', version: '5' },
      wrangler: { script: '/wr/wrangler.js', version: '4' },
      '@cloudflare/workerd-linux-64': { script: '/wd/workerd', version: '1' },
    },
  };
  const scratch = mkdtempSync(join(root, 'scratch-'));
  const ctx = (variant?: string): LaunchContext => ({
    hosts: installed,
    dir: '/b',
    entry: 'index.js',
    modules: [],
    port: 4000,
    runtimeApi: '127.0.0.1:9001',
    node: '/node22',
    nodeArgs: (script, ...rest) => ['--flag', script, ...rest],
    scratch: () => scratch,
    variant,
  });
  const launch = (id: string, variant?: string) => {
    const r = localHostOf(id);
    if (r.kind !== 'npm') throw new Error(`${id} has no recipe`);
    return { boot: r.boot, ...r.launch(ctx(variant)) };
  };
  const ric = launch('aws-lambda');
  assert.equal([ric.boot, ric.command, ric.args, ric.stamped], ['runtime-api', '/node22', ['--flag', '/ric/bin/index.mjs', 'index.handler'], true]);
  assert.equal(ric.env, { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', LAMBDA_TASK_ROOT: '/b', _HANDLER: 'index.handler', LAMBDA_RUNTIME_DIR: '/b' });
  const ff = launch('gcp-functions');
  assert.equal([ff.boot, ff.args, ff.env, ff.stamped], ['http', ['--flag', '/ff/main.js', '--target=handler', '--signature-type=http', '--port=4000', '--source=/b'], { PORT: '4000' }, true]);
  const vn = launch('vercel');
  assert.equal([vn.args, vn.env.VERCEL_DEV_ENTRYPOINT, vn.env.VERCEL_DEV_PORT, String(vn.readyLine)], [['--no-warnings', '--flag', '/vn/dev-server.mjs'], 'index.js', '4000', '/Dev server listening/']);
  const wd = launch('cloudflare-workers');
  assert.equal([wd.command, wd.args, wd.stamped, wd.calibrateBoot], ['/wd/workerd', ['serve', join(scratch, 'workerd.capnp'), '--experimental'], false, true]);
  assert.is(launch('cloudflare-workers', 'workerd-calibration').calibrateBoot, false);
  const wr = launch('cloudflare-workers', 'wrangler');
  assert.equal([wr.command, wr.args.slice(0, 4), wr.env.XDG_CONFIG_HOME, wr.stamped], ['/node22', ['/wr/wrangler.js', 'dev', '--port', '4000'], scratch, false]);
  assert.is(realHostName('aws-lambda', installed), "aws-lambda-ric 3.3.0 on dlpack's Lambda Runtime API");
  assert.is(realHostName('cloudflare-workers', installed), 'workerd 1');
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
