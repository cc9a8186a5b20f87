export interface FileTally {
  passed: number;
  failed: number;
  skipped: number;
  skipLines: string[];
  problems: string[];
}
export function tallyFile(run: { text: string; code: number | null; timedOut?: boolean }): FileTally;
export function closingLine(
  totals: { passed: number; failed: number; skipped: number },
  tiers: { name: string; files: number; seconds: number }[],
): string;
