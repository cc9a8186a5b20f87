import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { platformsHelp } from '../src/cli/platform-flags.js';
import { getPlatform } from '../src/platforms/index.js';
import { buildPlatformsReport } from '../src/platforms/render-platforms.js';
import { renderForTerminal } from '../src/cli/render.js';
import type { PlatformsReport } from '../src/index.js';

export default class Platforms extends DlpackCommand {
  static summary = 'List the serverless platform profiles dlpack simulates and checks against.';
  static description =
    'Memory range, vCPU rule, package limits, timeouts and prices of each platform, every figure with the address it came from (--sources, --json). Figures seen only in secondary sources carry a "verify" note with the date they were checked.';
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> aws-lambda --sources',
    '<%= config.bin %> <%= command.id %> --json',
  ];
  static args = {
    platform: Args.string({ description: platformsHelp('only this platform') }),
  };
  static flags = {
    sources: Flags.boolean({ description: 'list every figure with its source address', default: false }),
    verbose: Flags.boolean({ description: 'every column of the table, and every source (as --sources)', default: false }),
  };

  async run(): Promise<PlatformsReport> {
    const { args, flags } = await this.parse(Platforms);
    if (args.platform) getPlatform(args.platform);
    const report = buildPlatformsReport(args.platform ? [args.platform] : undefined);
    if (!this.jsonEnabled()) this.log(renderForTerminal(report, { verbose: flags.sources || flags.verbose, verboseFlag: '--verbose' }));
    return report;
  }
}
