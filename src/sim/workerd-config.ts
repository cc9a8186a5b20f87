/**
 * A workerd config (Cap'n Proto text) that serves a Workers bundle the way `wrangler dev` does with
 * the bundle's wrangler.toml rules: the entry as an ES module, `*.wasm` as compiled Wasm modules,
 * every other module (model/**) as Data (an ArrayBuffer), one HTTP socket on 127.0.0.1. Module names
 * are the paths relative to the bundle folder, so the entry's `import x from "./model/m.onnx"`
 * resolves as it does on Workers. The config file sits in the bundle folder: `embed` paths are
 * relative to it.
 */
export interface WorkerdConfigOptions {
  entry: string;
  modules: string[];
  port: number;
  compatibilityDate: string;
}

const text = (s: string) => JSON.stringify(s);

export function workerdConfig(o: WorkerdConfigOptions): string {
  const modules = [
    `(name = ${text(o.entry)}, esModule = embed ${text(o.entry)})`,
    ...o.modules.map((m) => (m.endsWith('.wasm') ? `(name = ${text(m)}, wasm = embed ${text(m)})` : `(name = ${text(m)}, data = embed ${text(m)})`)),
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
