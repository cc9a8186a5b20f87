import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../../src/cli/base-command.js';
import { mergeReports, type MergedReport } from '../../src/index.js';

export default class ReportMerge extends DlpackCommand {
  static summary = 'Join the shard reports of one sharded check or bench run (--shard i/n) into one report.';
  static description =
    'Reads the reports that `dlpack check --shard i/n` or `dlpack bench --shard i/n` wrote on each CI runner and writes the report one unsharded run would have: check rows in the usual order with the summary and verdict recomputed and the measurements kept (so `dlpack check --from merged.json` judges them again, with --baseline), or bench configurations with the recommendations made over all of them. Refuses, with one line naming the file, reports of another dlpack version, config, model bytes or run options (their fingerprint), another number of shards or split, and a shard given twice. A missing shard is an error (exit 1) naming the configurations it held; with --allow-partial the report is written anyway, listing the missing shards, and its budgets for them are "missing" so it never passes. The output is written to a temporary sibling and renamed.';
  static strict = false;
  static args = { reports: Args.string({ description: 'shard reports (JSON) of one run, in any order' }) };
  static examples = [
    '<%= config.bin %> <%= command.id %> shard-1.json shard-2.json shard-3.json -o merged.json',
    '<%= config.bin %> <%= command.id %> shards/*.json -o merged.json && <%= config.bin %> check --from merged.json --format markdown -o check.md',
    '<%= config.bin %> <%= command.id %> bench-*.json -o bench.json --json',
    '<%= config.bin %> <%= command.id %> shards/*.json -o merged.json --allow-partial   # write it even with a shard missing (it fails)',
  ];
  static flags = {
    output: Flags.string({ char: 'o', description: 'merged report to write (JSON, atomic)', required: true }),
    'allow-partial': Flags.boolean({ description: 'write the merged report even when shards are missing (listed in it; it never passes)', default: false }),
  };

  async run(): Promise<MergedReport['report']> {
    const { argv, flags } = await this.parse(ReportMerge);
    const { merged, info, output } = await mergeReports({ files: argv as string[], output: flags.output, allowPartial: flags['allow-partial'] });
    if (!this.jsonEnabled()) {
      const what =
        merged.kind === 'check'
          ? `${merged.report.pass ? 'PASS' : 'FAIL'}: ${merged.report.summary.passed} of ${merged.report.summary.total} budgets met`
          : `${merged.report.configurations.length} configurations`;
      this.log(`Merged ${info.shards.length} of ${info.total} shard reports (${info.configurations} configurations) into ${output}: ${what}`);
    }
    if (info.missing.length) {
      this.logToStderr(`Warning: shard ${info.missing.join(', ')} of ${info.total} missing — not measured: ${info.missingConfigurations.join(', ') || 'nothing'} (the merged report fails)`);
    }
    return merged.report;
  }
}
