/**
 * Human units, printed and parsed in one place: bytes ("45 MB", "1.5 GiB"), durations ("800 ms",
 * "1.2 s"), percentages, US dollars and memory in the platforms' MB. Decimal units (kB, MB, GB) are
 * powers of 1000, binary (KiB, MiB, GiB) of 1024, like size-limit and the platforms' own documentation.
 */
import { DlpackError } from './errors/dlpack-error.js';

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const TIME_UNITS: Record<string, number> = { us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000 };

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const abs = Math.abs(bytes);
  if (abs < 1000) return `${bytes} B`;
  if (abs < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (abs < 1e9) return `${(bytes / 1e6).toFixed(2)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1) return `${ms.toFixed(3)} ms`;
  if (Math.abs(ms) < 100) return `${ms.toFixed(2)} ms`;
  if (Math.abs(ms) < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function parseWithUnits(input: string | number, units: Record<string, number>, defaultUnit: string, what: string): number {
  if (typeof input === 'number' && Number.isFinite(input)) return input * units[defaultUnit];
  const m = String(input).trim().match(/^(-?\d+(?:\.\d+)?)\s*([a-zA-Zµ]*)$/);
  const unit = (m?.[2] || defaultUnit).toLowerCase();
  if (!m || !(unit in units)) {
    throw new DlpackError('USAGE', `cannot read ${what} "${input}"`, {
      hint: `use a number with one of: ${Object.keys(units).join(', ')}`,
    });
  }
  return Number(m[1]) * units[unit];
}

/** "45 MB" → 45000000; a bare number is bytes. */
export function parseBytes(input: string | number): number {
  return Math.round(parseWithUnits(input, BYTE_UNITS, 'b', 'size'));
}

/** "800 ms" → 800, "1.5 s" → 1500; a bare number is milliseconds. */
export function parseDuration(input: string | number): number {
  return parseWithUnits(input, TIME_UNITS, 'ms', 'duration');
}

// Budget units beyond bytes and durations: percentages ("5%"), US dollars ("$0.50") and memory in
// the platforms' MB ("300 MB", "1 GiB").

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

/** The unit of a quantity (a budget's limit, a measured figure): bytes; ms; MB (the platforms' memory
 * unit, as in "Memory Size: 512 MB"); usd; plain numbers. */
export type QuantityUnit = 'bytes' | 'ms' | 'MB' | 'usd' | 'number';

/** Prints a quantity in its unit: bytes, ms, platform MB, USD or a plain number. */
export function formatBudgetValue(unit: QuantityUnit, value: number | undefined): string {
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
export function formatBudgetDelta(unit: QuantityUnit, delta: number | undefined): string {
  if (delta === undefined) return '—';
  const text = formatBudgetValue(unit, Math.abs(delta));
  return delta > 0 ? `+${text}` : delta < 0 ? `-${text}` : `±${text}`;
}
