/**
 * The cells every check format shows for one budget row (terminal table, Markdown, JUnit,
 * annotations, HTML), so they all say the same thing in the same words.
 */
import { shardNotes } from './shard-notes.js';
import type { BudgetResult, CheckReport } from '../../core/reports/schemas.js';
import { formatBudgetDelta, formatBudgetValue, formatPercent } from '../../core/units.js';

export const STATUS_WORD: Record<BudgetResult['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', missing: 'MISSING' };
export const STATUS_ICON: Record<BudgetResult['status'], string> = { pass: '✅', fail: '❌', warn: '⚠️', missing: '❔' };

export function rowWhere(r: BudgetResult): string {
  return [r.model, r.target, r.memoryMb !== undefined ? `${r.memoryMb} MB` : undefined].filter(Boolean).join(' · ');
}

export function rowLimit(r: BudgetResult): string {
  const op = r.direction === 'max' ? '≤' : '≥';
  const resolved = formatBudgetValue(r.unit, r.limit);
  return r.limitText.trim().endsWith('%') ? `${op} ${r.limitText} (${resolved})` : `${op} ${resolved}`;
}

export function rowActual(r: BudgetResult): string {
  return formatBudgetValue(r.unit, r.actual);
}

export function rowDelta(r: BudgetResult): string {
  if (r.delta === undefined) return '—';
  const rel = r.limit !== 0 ? ` (${formatPercent(r.delta / Math.abs(r.limit), true)})` : '';
  return `${formatBudgetDelta(r.unit, r.delta)}${rel}`;
}

export function rowBaseline(r: BudgetResult): string {
  const b = r.baseline;
  if (!b) return '—';
  const value = formatBudgetValue(r.unit, b.actual);
  if (b.method !== 'distribution' || b.low === undefined || b.high === undefined) return `${value} (${formatPercent(b.change, true)})`;
  const ci = `CI ${formatPercent(b.low, true)} to ${formatPercent(b.high, true)}`;
  return b.significant ? `${value} (${formatPercent(b.change, true)}, ${ci})` : `${value} (no significant change, ${ci})`;
}

/** The measured spread of a timing row: "±8% (45 samples)". */
export function rowNoise(r: BudgetResult): string {
  return r.noise ? `±${formatPercent(r.noise.margin)} (${r.noise.n})` : '—';
}

/** Lines under every check rendering: the estimate judged on, how noise and baselines were handled, load warnings. */
export function checkNotes(report: CheckReport): string[] {
  const timing = report.results.some((r) => r.unit === 'ms' || r.unit === 'usd');
  const out: string[] = [];
  if (timing && report.estimate) {
    out.push(
      report.estimate === 'stable'
        ? `Timing and cost budgets judged on the load-robust estimate (CPU time through the vCPU share + I/O waits, without waits for a CPU other work held)${report.runs ? `, samples pooled over ${report.runs} bench run${report.runs > 1 ? 's' : ''}` : ''}.`
        : `Timing and cost budgets judged on wall time as measured${report.runs ? `, samples pooled over ${report.runs} bench run${report.runs > 1 ? 's' : ''}` : ''}.`,
    );
  }
  const other = report.estimate ? report.results.filter((r) => r.estimate && r.estimate !== report.estimate) : [];
  if (other.length) {
    out.push(`${other.length} row${other.length > 1 ? 's use' : ' uses'} ${other[0].estimate} figures: ${other.length > 1 ? 'their bench reports were' : 'its bench report was'} written by a dlpack without the ${report.estimate} estimate.`);
  }
  if (report.results.some((r) => r.noise)) out.push('Noise: 95% confidence interval of each timing figure from its samples; an excess within it (capped at 25%) does not fail the budget.');
  if (report.results.some((r) => r.baseline?.method === 'distribution')) out.push('Baseline: samples compared with a Mann-Whitney test (p < 0.05) and a bootstrap 95% CI of the change.');
  for (const w of report.loadWarnings ?? []) out.push(`⚠ ${w}`);
  out.push(...shardNotes(report));
  return out;
}



/** One sentence per row, used by annotations and JUnit failure messages. */
export function rowSentence(r: BudgetResult): string {
  const head = `${r.label} for ${rowWhere(r)}`;
  if (r.status === 'missing') return `${head}: no measurement — ${r.reason ?? 'missing'}`;
  const note = r.reason ? ` — ${r.reason}` : '';
  return `${head}: ${rowActual(r)} against budget ${rowLimit(r)}${note}`;
}

export function checkHeadline(report: CheckReport): string {
  const s = report.summary;
  if (s.total === 0) return 'no budgets configured';
  const parts = [`${s.passed} of ${s.total} budgets met`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.missing) parts.push(`${s.missing} missing`);
  if (s.warned) parts.push(`${s.warned} warning${s.warned > 1 ? 's' : ''}`);
  if (s.regressions) parts.push(`${s.regressions} regression${s.regressions > 1 ? 's' : ''} vs baseline`);
  return parts.join(', ');
}
