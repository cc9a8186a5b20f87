import { Command } from '@oclif/core';
import { toDlpackError, DlpackError } from '../errors/dlpack-error.js';
import { isParseError, parseErrorToUsage } from './parse-errors.js';
import { ciDetected } from './progress.js';

/**
 * Base class of every dlpack command: `--json` on every command, and known errors printed as a
 * single line with the right exit code (stack only with DEBUG set). oclif's parser errors
 * (unknown flag, bad value, missing argument) become one-line usage errors (exit 2) with a
 * "did you mean" instead of the message plus the whole usage text.
 */
export abstract class DlpackCommand extends Command {
  static enableJsonFlag = true;

  protected async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    const known = isParseError(err)
      ? parseErrorToUsage(err, { id: this.id ?? '', bin: this.config.bin, flags: { ...this.ctor.baseFlags, ...this.ctor.flags } })
      : toDlpackError(err);
    if (known instanceof DlpackError) {
      if (process.env.DEBUG) this.logToStderr(String(known.stack ?? known));
      if (this.jsonEnabled()) this.logJson({ error: known.toJSON() });
      else this.logToStderr(`Error: ${known.oneLine()}`);
      this.exit(known.exitCode);
    }
    return super.catch(err);
  }

  /** True when progress output may be shown: a TTY on stderr, not CI, not --json. */
  protected showProgress(): boolean {
    return Boolean(process.stderr.isTTY) && !ciDetected() && !this.jsonEnabled();
  }
}
