import { Args, Flags } from '@oclif/core';
import { TransformCommand } from '../src/cli/transform-command.js';
import { checkFlags, toCheckOptions } from '../src/cli/transform-flags.js';
import { parseBytes } from '../src/core/units.js';
import type { TransformReport } from '../src/core/reports/schemas.js';
import { convertModel } from '../src/transforms/convert-model.js';

export default class Convert extends TransformCommand {
  static summary = 'Optimize an ONNX model offline, or convert a Keras model to TF.js, and report what changed.';
  static description =
    'ONNX --optimize basic|extended: ONNX Runtime graph optimization saved to a file (basic: standard ops only, runs anywhere; extended: adds ONNX Runtime fused ops), unused initializers removed; reports nodes and bytes before/after and checks the outputs still match (on --samples when given); a failed --min-cosine/--max-error gate writes nothing. Keras .h5/.keras --to tfjs: a TF.js layers model with no Python.';
  static examples = [
    '<%= config.bin %> <%= command.id %> model.onnx --optimize basic -o model.opt.onnx',
    '<%= config.bin %> <%= command.id %> ppocr_cls.onnx --optimize extended --samples text-lines/ --preprocess paddleocr-cls --min-cosine 0.9999 -o cls.opt.onnx --json',
    '<%= config.bin %> <%= command.id %> model.h5 --to tfjs -o web_model',
  ];
  static args = { model: Args.string({ description: 'model file: .onnx, Keras .h5 or .keras', required: true }) };
  static flags = {
    output: Flags.string({ char: 'o', description: 'output: .onnx file, or folder for --to tfjs', required: true }),
    optimize: Flags.string({ description: 'ONNX Runtime optimization level (portable levels only)', options: ['basic', 'extended'] }),
    to: Flags.string({ description: 'target format for Keras input', options: ['tfjs'] }),
    'shard-size': Flags.string({ description: 'TF.js: weight shard size', default: '4MB' }),
    ...checkFlags,
  };

  async run(): Promise<TransformReport> {
    const { args, flags } = await this.parse(Convert);
    return this.runTransform((onProgress) =>
      convertModel({
        input: args.model,
        output: flags.output,
        optimize: flags.optimize as 'basic' | undefined,
        to: flags.to as 'tfjs' | undefined,
        shardSize: parseBytes(flags['shard-size']),
        check: toCheckOptions(flags),
        onProgress,
      }),
    );
  }
}
