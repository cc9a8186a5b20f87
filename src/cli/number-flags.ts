/** Flag values in human units ("5%", "0.5") read into numbers; a bad one is a USAGE error naming the flag. */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { parsePercent, parseDuration } from '../core/units.js';

export function percentFlag(name: string, value: string): number;
export function percentFlag(name: string, value: string | undefined): number | undefined;
export function percentFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parsePercent(value);
  } catch {
    throw new DlpackError('USAGE', `--${name} must be a percentage like "5%", got "${value}"`);
  }
}

export function numberFlag(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new DlpackError('USAGE', `--${name} must be a number, got "${value}"`);
  return n;
}

export function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch {
    throw new DlpackError('USAGE', `--${name} must be a duration like "10s", got "${value}"`);
  }
}
