import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { inspectModel, type InspectReport } from '../src/index.js';
import { renderForTerminal } from '../src/cli/render.js';

export default class Inspect extends DlpackCommand {
  static summary = 'Show what a model is made of: inputs, outputs, weights, ops and bytes on disk.';
  static description =
    'Reads an ONNX model (with external data), a TF.js model (graph or layers, any *.json name, with its weight shards) or a Keras .h5/.keras file and reports format, producer, opsets, inputs/outputs with symbolic dims, parameter count, weight bytes per dtype, an op histogram and total bytes on disk. Paths inside the model must stay in its folder.';
  static examples = [
    '<%= config.bin %> <%= command.id %> model.onnx',
    '<%= config.bin %> <%= command.id %> web_model/model.json --json',
    '<%= config.bin %> <%= command.id %> fixtures/models/mlp.onnx --ops 10',
    '<%= config.bin %> <%= command.id %> model.keras',
  ];
  static args = {
    model: Args.string({ description: 'model file: .onnx, a TF.js model .json, or a Keras .h5/.keras', required: true }),
  };
  static flags = {
    ops: Flags.integer({ description: 'how many op types to list', default: 25, min: 1 }),
  };

  async run(): Promise<InspectReport> {
    const { args, flags } = await this.parse(Inspect);
    const report = await inspectModel(args.model);
    if (!this.jsonEnabled()) this.log(renderForTerminal(report, { maxRows: flags.ops }));
    return report;
  }
}
