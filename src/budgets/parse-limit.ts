/**
 * Parsing of the budget units that src/report/units.ts does not cover: percentages ("5%"),
 * US dollars ("$0.50") and memory in the platforms' MB ("300 MB", "1 GiB").
 */
import { DlpackError } from '../core/errors/dlpack-error.js';
import { parseBytes } from '../core/units.js';

/** "5%" → 0.05; a bare number is a percentage too ("5" → 0.05). */
export function parsePercent(input: string | number): number {
  const m = String(input).trim().match(/^(\d+(?:\.\d+)?)\s*%?$/);
  if (!m) throw new DlpackError('USAGE', `cannot read percentage "${input}"`, { hint: 'e.g. "5%"' });
  return Number(m[1]) / 100;
}

/** "$0.50" or 0.5 → 0.5 (USD). */
export function parseUsd(input: string | number): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  const m = String(input).trim().match(/^\$?\s*(\d+(?:\.\d+)?)$/);
  if (!m) throw new DlpackError('USAGE', `cannot read amount "${input}"`, { hint: 'e.g. "$0.50"' });
  return Number(m[1]);
}

/**
 * Memory in the platforms' MB, the unit of "Memory Size: 512 MB" and of bench reports' memoryMb and
 * peakMemoryMb: "300 MB" → 300, "1 GiB" → 1024, "1 GB" → 1000; a bare number is MB.
 */
export function parseMemoryMb(input: string | number): number {
  if (typeof input === 'number') return input;
  const binary = /i\s*b\s*$/i.test(String(input).trim());
  return parseBytes(input) / (binary ? 1024 ** 2 : 1e6);
}

export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return String(usd);
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.1) return `$${usd.toFixed(3).replace(/(\.\d\d)0$/, '$1')}`;
  return `$${usd.toPrecision(3)}`;
}

export function formatPercent(ratio: number, signed = false): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  const pct = ratio * 100;
  const text = `${Math.abs(pct) < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
  return signed && pct > 0 ? `+${text}` : text;
}
