// What one test file's run counts for, read from its output (test/run.js; unit-tested in
// test/unit/runner.test.ts). uvu prints `Total:` (tests registered and run), `Passed:` and
// `Skipped:` (registered with test.skip, which test/helpers/skip.ts does with one `SKIP:` line each).

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * @param {{ text: string, code: number | null, timedOut?: boolean }} run
 * @returns {{ passed: number, failed: number, skipped: number, skipLines: string[], problems: string[] }}
 */
export function tallyFile({ text, code, timedOut = false }) {
  const plain = text.replace(ANSI, '');
  const num = (label) => {
    const m = plain.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'));
    return m ? Number(m[1]) : undefined;
  };
  const total = num('Total');
  const passed = num('Passed') ?? 0;
  const skipped = num('Skipped') ?? 0;
  const skipLines = plain.split('\n').filter((l) => l.startsWith('SKIP: '));
  const problems = [];
  let failed = total === undefined ? 0 : total - passed;
  if (timedOut) problems.push('killed at the deadline');
  else if (total === undefined) problems.push('no uvu summary (the file crashed before test.run() finished, or never called it)');
  else if (total + skipped === 0) problems.push('no tests registered');
  if (total !== undefined && skipLines.length !== skipped) {
    problems.push(`${skipLines.length} SKIP line(s) but uvu counted ${skipped} skipped: register skips with testIf() (test/helpers/skip.ts), never return early from a test body`);
  }
  if (code !== 0 && failed === 0 && !problems.length) problems.push(`exit code ${code}`);
  if (problems.length) failed = Math.max(failed, 1);
  return { passed, failed, skipped, skipLines, problems };
}

/** The closing line: always the three counts, then the time per tier. */
export function closingLine(totals, tiers) {
  const parts = tiers.map((t) => `${t.name} ${t.files} file${t.files === 1 ? '' : 's'} ${t.seconds.toFixed(0)} s`);
  return `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
