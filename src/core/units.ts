/**
 * Human units, printed and parsed in one place: bytes ("45 MB", "1.5 GiB") and durations
 * ("800 ms", "1.2 s"). Decimal units (kB, MB, GB) are powers of 1000, binary (KiB, MiB, GiB) of 1024,
 * like size-limit and the platforms' own documentation.
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
