import { Command, ux, type Interfaces } from '@oclif/core';
import { wrapUnexpected } from '../core/errors/dlpack-error.js';
import { escapeControls, escapeJsonText } from '../core/text.js';
import { isParseError, parseErrorToUsage } from './parse-errors.js';
import { ciDetected } from './progress.js';

type FlagOutput = { [name: string]: unknown };
type ArgOutput = { [name: string]: unknown };

/**
 * Base class of every dlpack command: `--json` on every command; errors printed as a single line
 * with the right exit code — unexpected ones too, naming the file and the command (stack only with
 * DEBUG set, e.g. DEBUG=1); oclif's parser errors (unknown flag, bad value, missing argument) become
 * one-line usage errors (exit 2) with a "did you mean" instead of the message plus the whole usage
 * text; and every line written to the terminal passes the one escaping function
 * (src/core/text.ts), so strings from a model cannot drive the terminal.
 */
export abstract class DlpackCommand extends Command {
  static enableJsonFlag = true;

  /** The first argument (the model, bundle or config) once parsed: named by unexpected errors. */
  private subject?: string;

  protected async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const out = await super.parse(options, argv);
    const first = Object.values(out.args as Record<string, unknown>).find((v) => typeof v === 'string');
    const handler = (out.flags as Record<string, unknown>).handler;
    this.subject = typeof first === 'string' ? first : typeof handler === 'string' ? handler : undefined;
    return out;
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: unknown }): Promise<unknown> {
    let known;
    if (isParseError(err)) {
      known = parseErrorToUsage(err, { id: this.id ?? '', bin: this.config.bin, flags: { ...this.ctor.baseFlags, ...this.ctor.flags } });
    } else if (err && typeof err === 'object' && 'oclif' in err) {
      // oclif's own control flow (this.exit) keeps oclif's handling
      return super.catch(err);
    } else {
      known = wrapUnexpected(err, { file: this.subject, operation: this.id ?? 'dlpack' });
    }
    if (process.env.DEBUG) this.logToStderr(String((known.code === 'INTERNAL' ? (known.cause as Error)?.stack : undefined) ?? known.stack ?? known));
    if (this.jsonEnabled()) this.logJson({ error: known.toJSON() });
    else this.logToStderr(`Error: ${known.oneLine()}`);
    return this.exit(known.exitCode);
  }

  log(message = '', ...args: unknown[]): void {
    super.log(typeof message === 'string' ? escapeControls(message, { multiline: true }) : message, ...args);
  }

  logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(typeof message === 'string' ? escapeControls(message, { multiline: true }) : message, ...args);
  }

  /** Text as it arrives (a handler's output), escaped like every other line, without a newline added. */
  protected streamToStderr(text: string): void {
    process.stderr.write(escapeControls(text, { multiline: true }));
  }

  protected logJson(json: unknown): void {
    ux.stdout(escapeJsonText(JSON.stringify(json, null, 2)));
  }

  /** True when progress output may be shown: a TTY on stderr, not CI, not --json. */
  protected showProgress(): boolean {
    return Boolean(process.stderr.isTTY) && !ciDetected() && !this.jsonEnabled();
  }
}
