/**
 * Progress on stderr for long work: shown only on a TTY, never in CI (CI set) or with --json.
 * One line, rewritten in place; `done()` clears it.
 */
export interface Progress {
  update(message: string): void;
  done(): void;
}

export interface ProgressOptions {
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
}

export function progressEnabled(json: boolean, stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI && !json;
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
      const width = stream.columns ?? 80;
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
