/**
 * A workerd config (Cap'n Proto text) that serves a Workers bundle the way `wrangler dev` does with
 * the bundle's wrangler.toml rules: the entry as an ES module, `*.wasm` as compiled Wasm modules,
 * every other module (model/**) as Data (an ArrayBuffer), one HTTP socket on 127.0.0.1. Module names
 * are the paths relative to the bundle folder, so the entry's `import x from "./model/m.onnx"`
 * resolves as it does on Workers. The config file lives in a temp folder (nothing is written into
 * the bundle); its `embed` paths lead from there to the bundle's files (workerd reads them relative
 * to the config file).
 */
export interface WorkerdConfigOptions {
  /** The bundle folder. */
  dir: string;
  /** The folder the config file is written to (`embed` paths are relative to it). */
  configDir: string;
  entry: string;
  modules: string[];
  port: number;
  compatibilityDate: string;
}

import { join, relative } from 'node:path';

const text = (s: string) => JSON.stringify(s);

export function workerdConfig(o: WorkerdConfigOptions): string {
  const modules = [
    `(name = ${text(o.entry)}, esModule = embed ${text(relative(o.configDir, join(o.dir, o.entry)))})`,
    ...o.modules.map((m) => `(name = ${text(m)}, ${m.endsWith('.wasm') ? 'wasm' : 'data'} = embed ${text(relative(o.configDir, join(o.dir, m)))})`),
  ];
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    '  services = [ (name = "main", worker = .worker) ],',
    `  sockets = [ (name = "http", address = ${text(`127.0.0.1:${o.port}`)}, http = (), service = "main") ],`,
    ');',
    'const worker :Workerd.Worker = (',
    `  modules = [\n    ${modules.join(',\n    ')}\n  ],`,
    `  compatibilityDate = ${text(o.compatibilityDate)},`,
    ');',
    '',
  ].join('\n');
}
