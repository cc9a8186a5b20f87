/**
 * Human units, printed and parsed in one place, with one meaning per unit.
 *
 * KB, MB and GB are binary everywhere in dlpack — 1,024, 1,048,576 and 1,073,741,824 bytes — in
 * what it reads (flags, config budgets) and in what it prints, because that is how the platforms'
 * own documents count: AWS Lambda's "50 MB" zip limit is 52,428,800 bytes and its "128 MB to
 * 10,240 MB" memory is binary, as is the "Memory Size: 512 MB" of its REPORT line; Cloud Run
 * functions write MiB/GiB; Azure's and Vercel's sizes are multiples of 1,024 MB. KiB, MiB and GiB
 * are accepted spellings of the same units; output always prints B, KB, MB, GB.
 * Durations ("800 ms", "1.2 s"), percentages, US dollars and the platforms' memory MB are here too.
 */
import { DlpackError } from './errors/dlpack-error.js';

export const KB = 1024;
export const MB = 1024 ** 2;
export const GB = 1024 ** 3;

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  k: KB,
  kb: KB,
  kib: KB,
  m: MB,
  mb: MB,
  mib: MB,
  g: GB,
  gb: GB,
  gib: GB,
};

const TIME_UNITS: Record<string, number> = { us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** "512 B", "743.3 KB", "50.00 MB", "1.50 GB" (binary units, see the top of this file). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const abs = Math.abs(bytes);
  if (abs < KB) return `${bytes} B`;
  if (abs < MB) return `${(bytes / KB).toFixed(1)} KB`;
  if (abs < GB) return `${(bytes / MB).toFixed(2)} MB`;
  return `${(bytes / GB).toFixed(2)} GB`;
}

/** Three significant digits for chart axes and labels: "17 MB", "250 MB", "1.5 GB". */
export function formatBytesCompact(bytes: number): string {
  const abs = Math.abs(bytes);
  const [div, unit] = abs >= GB ? [GB, 'GB'] : abs >= MB ? [MB, 'MB'] : abs >= KB ? [KB, 'KB'] : [1, 'B'];
  return `${compact(bytes / div)} ${unit}`;
}

/** Memory in the platforms' MB (binary, as "Memory Size: 512 MB"): "512 MB", "103.9 MB". */
export function formatMemoryMb(mb: number): string {
  if (!Number.isFinite(mb)) return String(mb);
  return `${Math.round(mb * 10) / 10} MB`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1) return `${ms.toFixed(3)} ms`;
  if (Math.abs(ms) < 100) return `${ms.toFixed(2)} ms`;
  if (Math.abs(ms) < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Three significant digits for chart axes and labels: "2.4 ms", "180 ms", "1.2 s". */
export function formatMsCompact(ms: number): string {
  return Math.abs(ms) >= 1000 ? `${compact(ms / 1000)} s` : `${compact(ms)} ms`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function compact(v: number): string {
  return String(Number(v.toPrecision(3)));
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

/** "45 MB" → 47,185,920 (binary); a bare number is bytes. */
export function parseBytes(input: string | number): number {
  return Math.round(parseWithUnits(input, BYTE_UNITS, 'b', 'size'));
}

/** "800 ms" → 800, "1.5 s" → 1500; a bare number is milliseconds. */
export function parseDuration(input: string | number): number {
  return parseWithUnits(input, TIME_UNITS, 'ms', 'duration');
}

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
 * Memory in the platforms' MB, the unit of "Memory Size: 512 MB" and of bench reports' memoryMb
 * and peakMemoryMb: "300 MB" → 300, "2 GB" → 2048, "1 GiB" → 1024; a bare number ("512") is MB.
 */
export function parseMemoryMb(input: string | number): number {
  if (typeof input === 'number') return input;
  const text = String(input).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  return parseBytes(text) / MB;
}

/**
 * A list of memory sizes: "128,512,2gb" → [128, 512, 2048]. Each must be a whole number of MB
 * (platforms configure memory in MB); a bare number is MB.
 */
export function parseMemoryList(spec: string, options: { hint?: string } = {}): number[] {
  const hint = options.hint ?? 'sizes in MB, e.g. 128,512,1769 (2GB = 2048 MB)';
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    let mb: number;
    try {
      mb = parseMemoryMb(p);
    } catch {
      throw new DlpackError('USAGE', `cannot read memory size "${p}"`, { hint });
    }
    if (!Number.isInteger(mb) || mb <= 0) throw new DlpackError('USAGE', `memory size "${p}" is not a whole number of MB`, { hint });
    out.push(mb);
  }
  if (!out.length) throw new DlpackError('USAGE', 'no memory size given', { hint });
  return out;
}

export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return String(usd);
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.1) return `$${usd.toFixed(3).replace(/(\.\d\d)0$/, '$1')}`;
  return `$${usd.toPrecision(3)}`;
}

/** Three significant digits for chart axes and labels: "$0.42". */
export function formatUsdCompact(usd: number): string {
  return `$${compact(usd)}`;
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
      return formatMemoryMb(value);
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

/** Reads a quantity written in its unit (the inverse of formatBudgetValue and budgetText). */
export function parseQuantity(unit: QuantityUnit, input: string | number): number {
  switch (unit) {
    case 'bytes':
      return parseBytes(input);
    case 'ms':
      return parseDuration(input);
    case 'MB':
      return parseMemoryMb(input);
    case 'usd':
      return parseUsd(input);
    case 'number': {
      const n = Number(input);
      if (!Number.isFinite(n)) throw new DlpackError('USAGE', `cannot read number "${input}"`);
      return n;
    }
  }
}

/** Rounds up to 2 significant digits (3 from 100 up), so limits read like "19 MB", "240 ms". */
export function roundUpNice(v: number): number {
  if (!(v > 0)) return 0;
  const digits = v >= 100 ? 3 : 2;
  const mag = 10 ** (Math.floor(Math.log10(v)) - digits + 1);
  // toPrecision(12) absorbs floating-point noise (19.000000000000004 is 19), nothing a limit would notice
  return Number((Math.ceil(Number((v / mag).toPrecision(12))) * mag).toPrecision(digits + 1));
}

/**
 * A limit for a config file: `value` rounded up (roundUpNice) and written in its unit so that
 * parseQuantity(unit, text) ≥ value — "19 MB", "240 ms", "12 s", "$0.42", "300 MB".
 */
export function budgetText(unit: QuantityUnit, value: number): string {
  switch (unit) {
    case 'bytes':
      return value >= MB ? `${roundUpNice(value / MB)} MB` : value >= KB ? `${roundUpNice(value / KB)} KB` : `${Math.ceil(value)} B`;
    case 'ms':
      return value >= 10_000 ? `${roundUpNice(value / 1000)} s` : `${roundUpNice(value)} ms`;
    case 'MB':
      return `${roundUpNice(value)} MB`;
    case 'usd':
      return `$${roundUpNice(value)}`;
    case 'number':
      return String(roundUpNice(value));
  }
}
