/**
 * Bundle section: (1) the zipped size of an ONNX model + onnxruntime-node bundle for aws-lambda
 * against the floor — a zip of just the model, libonnxruntime.so.1 and the binding .node, made
 * with the same zip settings (target ≤ 1.10×); (2) cold start (require + model load + first
 * inference) of the bundled handler against the same handler loading onnxruntime-node from an
 * unbundled node_modules tree, and the require (module load) time alone. Both measured in this run.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p50, type BenchSection } from '../harness.js';

const CHILD = `
const t0 = process.hrtime.bigint();
const m = require(process.argv[1]);
const t1 = process.hrtime.bigint();
m.handler({ inputs: { input: { dims: [1, 16], data: new Array(16).fill(0.5) } } }).then((r) => {
  const t2 = process.hrtime.bigint();
  if (!r.outputs) { console.error(JSON.stringify(r)); process.exit(1); }
  process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, coldMs: Number(t2 - t0) / 1e6 }));
});
`;

function measure(entry: string): { requireMs: number; coldMs: number } {
  const r = spawnSync(process.execPath, ['-e', CHILD, entry], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  if (r.status !== 0) throw new Error(`handler failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const section: BenchSection = {
  name: 'bundle',
  description: 'bundle size vs the native floor, and cold start bundled vs node_modules',
  async run(ctx) {
    const { bundleModel, writeDeterministicZip } = await import('../../src/bundle/index.js');
    const { buildHandler, PACKAGE_ROOT } = await import('../../src/bundle/build-handler.js');
    const { platformModule } = await import('../../src/platforms/index.js');
    const { runtimeFiles } = await import('../../src/bundle/runtime-files.js');
    const model = join(ctx.root, 'fixtures', 'models', 'mlp.onnx');
    const work = mkdtempSync(join(tmpdir(), 'dlpack-bench-bundle-'));
    try {
      // (1) size against the floor
      const report = await bundleModel({ model, target: 'aws-lambda', out: join(work, 'fn'), memoryMb: 1769 });
      const natives = runtimeFiles('onnxruntime-node', 'x64');
      const floor = await writeDeterministicZip(join(work, 'floor.zip'), [
        { path: 'model/mlp.onnx', source: model },
        ...natives.map((f) => ({ path: f.path, source: f.source })),
      ]);
      const sizeRatio = report.zipBytes! / floor.bytes;
      ctx.log(`bundle ${report.zipBytes} B, floor ${floor.bytes} B`);

      // (2) the same handler with onnxruntime-node left in node_modules
      const unbundled = join(work, 'unbundled');
      mkdirSync(join(unbundled, 'model'), { recursive: true });
      copyFileSync(model, join(unbundled, 'model', 'mlp.onnx'));
      symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(unbundled, 'node_modules'), 'dir');
      const built = await buildHandler({
        target: platformModule('aws-lambda').bundle,
        runtime: 'onnxruntime-node',
        config: {
          target: 'aws-lambda',
          runtime: 'onnxruntime-node',
          modelFormat: 'onnx',
          modelFile: 'model/mlp.onnx',
          modelFiles: ['model/mlp.onnx'],
          inputs: [{ name: 'input', dtype: 'float32', shape: [null, 16] }],
          outputs: ['probabilities'],
          memoryMb: 1769,
          vcpu: 1,
          threads: 1,
          maxRequestBytes: 6 * 1024 * 1024,
          maxElements: 3 * 1024 * 1024,
        },
        node: '20',
        sourcemap: false,
        externalPackages: ['onnxruntime-node'],
      });
      for (const f of built.files) writeFileSync(join(unbundled, f.path), f.contents);
      writeFileSync(join(unbundled, 'package.json'), JSON.stringify({ type: 'commonjs' }));

      const n = ctx.quick ? 5 : 15;
      const b: { requireMs: number; coldMs: number }[] = [];
      const u: { requireMs: number; coldMs: number }[] = [];
      measure(join(work, 'fn', 'index.js')); // warm the page cache for both
      measure(join(unbundled, 'index.js'));
      for (let i = 0; i < n; i++) {
        b.push(measure(join(work, 'fn', 'index.js')));
        u.push(measure(join(unbundled, 'index.js')));
      }
      const bCold = p50(b.map((x) => x.coldMs));
      const uCold = p50(u.map((x) => x.coldMs));
      const bReq = p50(b.map((x) => x.requireMs));
      const uReq = p50(u.map((x) => x.requireMs));
      return [
        {
          metric: 'aws-lambda zip: MLP + onnxruntime-node',
          value: report.zipBytes! / 1e6,
          unit: 'MB',
          baseline: floor.bytes / 1e6,
          baselineLabel: 'zip of model + .so + .node',
          ratio: sizeRatio,
          target: '≤ 1.10×',
          pass: sizeRatio <= 1.1,
        },
        {
          metric: 'cold start: require + model load + first inference (p50)',
          value: bCold,
          unit: 'ms',
          baseline: uCold,
          baselineLabel: 'same handler, node_modules',
          ratio: bCold / uCold,
        },
        {
          metric: 'module load (require, p50)',
          value: bReq,
          unit: 'ms',
          baseline: uReq,
          baselineLabel: 'same handler, node_modules',
          ratio: bReq / uReq,
        },
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
export default section;
