/**
 * Progress on stderr for long work: shown only on a TTY, never in CI or with --json. One line,
 * rewritten in place; `done()` clears it, and commands call it before they print results.
 */
import { createRequire } from 'node:module';

export interface Progress {
  update(message: string): void;
  done(): void;
}

export interface ProgressOptions {
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
}

/**
 * CI as the ecosystem detects it (ci-info, the library npm and is-ci use: `CI`, `BUILD_ID`,
 * `CONTINUOUS_INTEGRATION`… and ~50 vendors' own variables). `CI=false` and `CI=0` are an explicit
 * "not CI" and switch all detection off (ci-info itself treats only "false" that way).
 */
export function ciDetected(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  if (ci === 'false' || ci === '0') return false;
  return ciInfo().isCI;
}

let ciInfoModule: { isCI: boolean } | undefined;
function ciInfo(): { isCI: boolean } {
  ciInfoModule ??= createRequire(import.meta.url)('ci-info') as { isCI: boolean };
  return ciInfoModule;
}

export function progressEnabled(json: boolean, stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !ciDetected() && !json;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? progressEnabled(false, stream);
  if (!enabled) return { update() {}, done() {} };
  let shown = false;
  const started = Date.now();
  return {
    update(message: string) {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const width = stream.columns || 80; // a pseudo-terminal without a size reports 0
      const line = `${message} (${secs} s)`.slice(0, Math.max(10, width - 1));
      stream.write(`\r\x1b[2K${line}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
