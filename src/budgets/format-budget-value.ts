/** Prints a budget value in its unit: bytes, ms, platform MB, USD or a plain number. */
import { formatBytes, formatMs } from '../core/units.js';
import type { BudgetUnit } from '../config/budget-keys.js';
import { formatUsd } from './parse-limit.js';

export function formatBudgetValue(unit: BudgetUnit, value: number | undefined): string {
  if (value === undefined) return '—';
  switch (unit) {
    case 'bytes':
      return formatBytes(Math.round(value));
    case 'ms':
      return formatMs(value);
    case 'MB':
      return `${Math.round(value * 10) / 10} MB`;
    case 'usd':
      return formatUsd(value);
    case 'number':
      return Math.abs(value) >= 0.001 || value === 0 ? String(Number(value.toPrecision(6))) : value.toExponential(2);
  }
}

/** The signed difference, e.g. "+1.20 MB", "-12 ms". */
export function formatBudgetDelta(unit: BudgetUnit, delta: number | undefined): string {
  if (delta === undefined) return '—';
  const text = formatBudgetValue(unit, Math.abs(delta));
  return delta > 0 ? `+${text}` : delta < 0 ? `-${text}` : `±${text}`;
}
