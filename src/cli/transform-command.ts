import type { TransformReport } from '../core/reports/schemas.js';
import { renderForTerminal } from './render.js';
import { CheckFailedError } from '../transforms/finish-transform.js';
import { DlpackCommand } from './base-command.js';
import { createProgress } from './progress.js';

/**
 * Base of `dlpack quantize` and `dlpack convert`: runs a transform with progress on a TTY, prints
 * its report, and on a failed accuracy gate still shows the whole report (the table before the
 * one-line error, or the JSON with the error inside) before exiting 1.
 */
export abstract class TransformCommand extends DlpackCommand {
  protected async runTransform(
    transform: (onProgress: (message: string) => void) => Promise<TransformReport>,
  ): Promise<TransformReport> {
    const progress = createProgress({ enabled: this.showProgress() });
    try {
      const report = await transform((m) => progress.update(m));
      progress.done();
      if (!this.jsonEnabled()) this.log(renderForTerminal(report));
      return report;
    } finally {
      progress.done();
    }
  }

  protected async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof CheckFailedError) {
      if (this.jsonEnabled()) {
        this.logJson({ ...err.report, error: err.toJSON() });
        this.exit(err.exitCode);
      }
      this.log(renderForTerminal(err.report));
    }
    return super.catch(err);
  }
}
