/**
 * Measures what a config's budgets need by running dlpack's own engines: bundle for size budgets,
 * bench for timing, memory and cost budgets. The engines are loaded with dynamic imports so a
 * `--from` run never loads them.
 */
import { DlpackError } from '../errors/dlpack-error.js';
import type { LoadedReport } from '../report/formats/read-report.js';
import type { ResolvedConfig } from './resolve-budgets.js';

export interface MeasureOptions {
  cold?: number;
  warm?: number;
  progress?: (message: string) => void;
}

export async function measureConfig(_config: ResolvedConfig, _options: MeasureOptions = {}): Promise<LoadedReport[]> {
  throw new DlpackError('UNSUPPORTED', 'measuring without --from needs dlpack bundle and bench, which are not available in this build', {
    hint: 'pass reports with --from bundle.json --from bench.json',
  });
}
