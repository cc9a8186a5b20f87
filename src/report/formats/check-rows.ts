/**
 * The cells every check format shows for one budget row (terminal table, Markdown, JUnit,
 * annotations, HTML), so they all say the same thing in the same words.
 */
import type { BudgetResult, CheckReport } from '../report-schemas.js';
import { formatBudgetDelta, formatBudgetValue } from '../../budgets/format-budget-value.js';
import { formatPercent } from '../../budgets/parse-limit.js';

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
  if (!r.baseline) return '—';
  return `${formatBudgetValue(r.unit, r.baseline.actual)} (${formatPercent(r.baseline.change, true)})`;
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
