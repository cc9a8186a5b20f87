import { Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { REPORT_FORMATS, terminalOptions, writeReports, type ReportFormat } from '../src/cli/render.js';
import type { AnyReport } from '../src/core/reports/schemas.js';

export default class Report extends DlpackCommand {
  static summary = 'Render dlpack JSON reports as a table, Markdown, JUnit XML or one self-contained HTML page with charts.';
  static description =
    'Reads one or more reports written with --json by bench, bundle, quantize/convert, check, inspect, platforms or init (the kind is read from the "schema" field) and prints them as the command that wrote them did (--format table, the default: the same renderer). --format html writes one file with inline SVG charts and no network resources: latency and cost against memory size per target, cold vs warm distributions, artifact size breakdown, with the budgets of the config (--config, or ./dlpack.config.json) drawn on them. Markdown is also appended to $GITHUB_STEP_SUMMARY when set.';
  static strict = false;
  static args = {};
  static examples = [
    '<%= config.bin %> <%= command.id %> bench.json --format html -o report.html',
    '<%= config.bin %> <%= command.id %> bench.json bundle.json --format html --config dlpack.config.json -o report.html',
    '<%= config.bin %> <%= command.id %> check.json --format markdown',
    '<%= config.bin %> <%= command.id %> bundle.json --format junit -o junit.xml',
  ];
  static flags = {
    format: Flags.string({ char: 'f', description: 'output format', options: [...REPORT_FORMATS], default: 'table' }),
    output: Flags.string({ char: 'o', description: 'write to this file (atomic) instead of stdout' }),
    config: Flags.string({ char: 'c', description: 'config whose budgets are drawn on the charts (default: ./dlpack.config.json when present)' }),
    verbose: Flags.boolean({ description: 'table: every column (and, for platforms, every source), whatever the terminal width', default: false }),
  };

  async run(): Promise<AnyReport | AnyReport[]> {
    const { argv, flags } = await this.parse(Report);
    const loaded = await writeReports({
      files: argv as string[],
      format: flags.format as ReportFormat,
      output: flags.output,
      config: flags.config,
      json: this.jsonEnabled(),
      log: (t) => this.log(t),
      human: terminalOptions({ verbose: flags.verbose, verboseFlag: '--verbose' }),
    });
    return loaded.length === 1 ? loaded[0].report : loaded.map((l) => l.report);
  }
}
