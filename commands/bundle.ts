import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { platformsHelp } from '../src/cli/platform-flags.js';
import { createProgress } from '../src/cli/progress.js';
import { bundleModel } from '../src/bundle/index.js';
import { renderForTerminal } from '../src/cli/render.js';
import type { BundleReport } from '../src/core/reports/schemas.js';

export default class Bundle extends DlpackCommand {
  static summary = 'Bundle a model and an inference handler into an artifact that deploys as it is.';
  static description =
    'Builds a handler for the target platform with esbuild (minified, tree-shaken, for the platform’s Node version), copies only the native or wasm files the runtime loads for the target OS/CPU, the model files, and writes a folder, a deterministic zip (same inputs, same bytes) and manifest.json. Reports zipped and unzipped sizes against the platform’s package limits. --format image writes a Dockerfile on the platform’s base image and an OCI layout of the app layer.';
  static examples = [
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda --memory 1769',
    '<%= config.bin %> <%= command.id %> model.onnx --target cloudflare-workers -o dist/worker',
    '<%= config.bin %> <%= command.id %> web_model/model.json --target aws-lambda --arch arm64 --json',
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda --handler src/my-handler.ts --sourcemap',
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda --format image',
    '<%= config.bin %> <%= command.id %> model.onnx --target aws-lambda --no-check',
  ];
  static args = {
    model: Args.string({ description: 'model file: .onnx or a TF.js model .json', required: true }),
  };
  static flags = {
    target: Flags.string({
      char: 't',
      description: platformsHelp('platform to bundle for'),
      required: true,
    }),
    runtime: Flags.string({
      description: 'inference runtime (default: onnxruntime-node on Node platforms, onnxruntime-web on Workers, tfjs-backend-wasm for TF.js)',
      options: ['onnxruntime-node', 'onnxruntime-web', 'tfjs-backend-wasm', 'tfjs-node'],
    }),
    arch: Flags.string({ description: 'CPU architecture of the function', options: ['x64', 'arm64'], default: 'x64' }),
    memory: Flags.integer({ description: 'memory size in MB the function is configured with (sets the runtime threads from its vCPU; default: the platform default)' }),
    handler: Flags.string({ description: 'bundle this handler file (.ts/.js) instead of the template; it must export what the platform calls' }),
    out: Flags.string({ char: 'o', description: 'output folder (the zip is written beside it as <out>.zip); default ./<model>-<target>' }),
    format: Flags.string({ description: 'zip, or image (Dockerfile + OCI layout of the app layer)', options: ['zip', 'image'], default: 'zip' }),
    sourcemap: Flags.boolean({ description: 'write a source map beside the bundle', default: false }),
    force: Flags.boolean({ description: 'replace an existing output folder and zip', default: false }),
    check: Flags.boolean({ description: 'open the bundled model with the runtime first, refusing one that cannot load (--no-check skips it)', default: true, allowNo: true }),
  };

  async run(): Promise<BundleReport> {
    const { args, flags } = await this.parse(Bundle);
    const progress = createProgress({ enabled: this.showProgress() });
    try {
      const report = await bundleModel({
        model: args.model,
        target: flags.target,
        runtime: flags.runtime,
        arch: flags.arch,
        memoryMb: flags.memory,
        handler: flags.handler,
        out: flags.out,
        format: flags.format as 'zip' | 'image',
        sourcemap: flags.sourcemap,
        force: flags.force,
        check: flags.check,
        onProgress: (m) => progress.update(m),
      });
      progress.done();
      if (!this.jsonEnabled()) this.log(renderForTerminal(report));
      if (!report.pass) process.exitCode = 1;
      return report;
    } finally {
      progress.done();
    }
  }
}
