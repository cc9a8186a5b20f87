/**
 * How sample files become model inputs: one flat spec (the same keys in `--preprocess key=value`
 * flags and in a config's `preprocess` block), named presets for common model families, and the
 * checks that turn a bad key or value into one line naming it. Pure data: no decoding here.
 */
import { closest } from '../../core/errors/did-you-mean.js';
import { DlpackError } from '../../core/errors/dlpack-error.js';

export type Layout = 'NCHW' | 'NHWC';
export type ChannelOrder = 'RGB' | 'BGR' | 'gray';

export interface PreprocessSpec {
  /** The preset the spec started from (reported). */
  preset?: string;
  /** The model input the samples feed (default: the first float input of a fitting rank). */
  input?: string;
  // ---- images
  layout?: Layout;
  channels?: ChannelOrder;
  /** Target height/width (`size` HxW sets both); one alone keeps the aspect ratio for the other. Default: the model's fixed dims, else the image's. */
  height?: number;
  width?: number;
  /** With both height and width: fit inside keeping the aspect ratio (width rounded up), pad the rest with `pad`. */
  keepAspect?: boolean;
  /** Round each side to a multiple of this (PaddleOCR's detector: 32). */
  multipleOf?: number;
  /** Scale the image down first so its longer side is at most this. */
  maxSide?: number;
  /** Pixel values (0–255) are multiplied by this first (default 1/255). */
  scale?: number;
  /** Per channel (in `channels` order), applied after `scale`: (x − mean) / std. */
  mean?: number[];
  std?: number[];
  /** Value of padded pixels, in the normalized space (default 0). */
  pad?: number;
  // ---- audio
  /** Sample rate the model expects, Hz; WAV files at another rate are refused (default 16000). */
  rate?: number;
  /** Samples per window (default: the model input's fixed last dim, else 512). */
  window?: number;
  /** Step between windows (default: the window). */
  hop?: number;
  /** At most this many windows per file, spread evenly over it (default 100). */
  maxWindows?: number;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * Named presets. PaddleOCR's own pipeline reads images with cv2 (BGR) and normalizes them in that
 * order, so its presets keep BGR.
 */
export const PRESETS: Record<string, { spec: Omit<PreprocessSpec, 'preset'>; what: string }> = {
  imagenet: {
    spec: { channels: 'RGB', scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD },
    what: 'RGB, x/255, ImageNet mean/std, resized to the model input (torchvision/timm classifiers)',
  },
  '[0,1]': { spec: { channels: 'RGB', scale: 1 / 255 }, what: 'RGB, x/255' },
  '[-1,1]': { spec: { channels: 'RGB', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }, what: 'RGB, x/127.5 − 1 (MobileNet/Inception style)' },
  'paddleocr-det': {
    spec: { channels: 'BGR', layout: 'NCHW', scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD, multipleOf: 32, maxSide: 960 },
    what: "PaddleOCR detector (DetResizeForTest limit_side_len 960 'max'): longer side ≤ 960, each side rounded to a multiple of 32 (a 192×48 line becomes 192×64), BGR, ImageNet mean/std",
  },
  'paddleocr-rec': {
    spec: { channels: 'BGR', layout: 'NCHW', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], height: 48 },
    what: 'PaddleOCR recognizer: height 48, width by the aspect ratio (no padding to 320: padded columns decode to blank and would inflate top-1), BGR, (x/255 − 0.5)/0.5',
  },
  'paddleocr-cls': {
    spec: { channels: 'BGR', layout: 'NCHW', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], height: 48, width: 192, keepAspect: true },
    what: 'PaddleOCR direction classifier: 48×192, aspect kept, right side padded with 0, BGR, (x/255 − 0.5)/0.5',
  },
  audio: {
    spec: { rate: 16000, window: 512 },
    what: 'mono float samples in [−1, 1] at 16 kHz, windows of 512 (Silero VAD); an integer scalar input named sr/sample_rate gets the rate, other inputs (e.g. LSTM state h, c) are zeros',
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

const KEYS: Record<keyof PreprocessSpec, 'string' | 'int' | 'number' | 'numbers' | 'bool' | 'layout' | 'channels'> = {
  preset: 'string',
  input: 'string',
  layout: 'layout',
  channels: 'channels',
  height: 'int',
  width: 'int',
  keepAspect: 'bool',
  multipleOf: 'int',
  maxSide: 'int',
  scale: 'number',
  mean: 'numbers',
  std: 'numbers',
  pad: 'number',
  rate: 'int',
  window: 'int',
  hop: 'int',
  maxWindows: 'int',
};

export const PREPROCESS_KEYS = Object.keys(KEYS) as (keyof PreprocessSpec)[];

/** Where a spec came from, for error messages. */
export interface SpecSource {
  /** e.g. "--preprocess" or "models[0].preprocess". */
  where: string;
  /** The config file (config errors name it). */
  file?: string;
}

function fail(source: SpecSource, message: string, hint?: string): never {
  throw new DlpackError(source.file ? 'CONFIG' : 'USAGE', `${source.where}: ${message}`, { file: source.file, hint });
}

function readValue(key: keyof PreprocessSpec, raw: unknown, source: SpecSource): unknown {
  const kind = KEYS[key];
  const bad = (what: string): never => fail(source, `${key} must be ${what}, got ${JSON.stringify(raw)}`);
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(evalFraction(v)) : NaN);
  switch (kind) {
    case 'string':
      if (typeof raw !== 'string' || raw === '') bad('a name');
      return raw;
    case 'int': {
      const n = num(raw);
      if (!Number.isInteger(n) || n < 1) bad('a whole number ≥ 1');
      return n;
    }
    case 'number': {
      const n = num(raw);
      if (!Number.isFinite(n)) bad('a number');
      return n;
    }
    case 'numbers': {
      const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
      const ns = list.map(num);
      if (!ns.length || ns.some((n) => !Number.isFinite(n))) bad('numbers, one per channel (e.g. 0.5,0.5,0.5)');
      return ns;
    }
    case 'bool':
      if (raw === true || raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === false || raw === 'false' || raw === '0' || raw === 'no') return false;
      return bad('true or false');
    case 'layout': {
      const v = String(raw).toUpperCase();
      if (v !== 'NCHW' && v !== 'NHWC') bad('NCHW or NHWC');
      return v;
    }
    case 'channels': {
      const v = String(raw).toLowerCase();
      if (v === 'rgb') return 'RGB';
      if (v === 'bgr') return 'BGR';
      if (v === 'gray' || v === 'grey' || v === 'l') return 'gray';
      return bad('RGB, BGR or gray');
    }
  }
}

/** "1/255" → 0.00392…; other strings unchanged. */
function evalFraction(v: string): string | number {
  const m = v.trim().match(/^(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/);
  return m ? Number(m[1]) / Number(m[2]) : v;
}

/** Builds a spec from an object (a config block, or parsed flags): preset first, keys over it. */
export function buildSpec(raw: Record<string, unknown>, source: SpecSource): PreprocessSpec {
  const spec: PreprocessSpec = {};
  if (raw.size !== undefined) {
    const v = raw.size;
    const m = Array.isArray(v) && v.length === 2 ? [String(v[0]), String(v[1])] : String(v).match(/^\s*(\d+)\s*[x×,]\s*(\d+)\s*$/i)?.slice(1);
    if (!m) fail(source, `size must be HxW (e.g. 48x192) or [H, W], got ${JSON.stringify(v)}`);
    raw = { ...raw, height: raw.height ?? m[0], width: raw.width ?? m[1] };
    delete raw.size;
  }
  for (const key of Object.keys(raw)) {
    if (!(key in KEYS)) {
      const near = closest(key, [...PREPROCESS_KEYS, 'size']);
      fail(source, `Unknown option "${key}"${near ? ` (did you mean "${near}"?)` : ''}`, `keys: ${PREPROCESS_KEYS.join(', ')}`);
    }
  }
  if (raw.preset !== undefined) {
    const name = String(raw.preset);
    const preset = PRESETS[name];
    if (!preset) fail(source, `unknown preset "${name}"`, `presets: ${PRESET_NAMES.join(', ')}`);
    Object.assign(spec, preset.spec, { preset: name });
  }
  for (const key of PREPROCESS_KEYS) {
    if (key === 'preset' || raw[key] === undefined) continue;
    (spec as Record<string, unknown>)[key] = readValue(key, raw[key], source);
  }
  for (const k of ['mean', 'std'] as const) {
    const v = spec[k];
    if (v && v.length !== 1 && v.length !== 3) fail(source, `${k} needs 1 or 3 values (one per channel), got ${v.length}`);
  }
  if (spec.std?.some((s) => s === 0)) fail(source, 'std must not be 0');
  if (spec.scale === 0) fail(source, 'scale must not be 0');
  return spec;
}

/**
 * Parses repeated `--preprocess` flags: a bare word is a preset, `key=value` sets a key,
 * `size=HxW` sets height and width. Later flags override earlier ones.
 */
export function parsePreprocessFlags(flags: string[] = []): PreprocessSpec | undefined {
  if (!flags.length) return undefined;
  const source = { where: '--preprocess' };
  const raw: Record<string, unknown> = {};
  for (const flag of flags) {
    for (const part of splitFlag(flag)) {
      const eq = part.indexOf('=');
      if (eq < 0) {
        raw.preset = part;
        continue;
      }
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      raw[toCamel(key)] = value;
    }
  }
  return buildSpec(raw, source);
}

/** `imagenet;layout=NHWC` or separate flags; a value list (mean=0.5,0.5,0.5) keeps its commas. */
function splitFlag(flag: string): string[] {
  return flag.split(';').map((s) => s.trim()).filter(Boolean);
}

function toCamel(key: string): string {
  return key.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** One line describing the spec, for the report. */
export function describeSpec(spec: PreprocessSpec): string {
  const parts: string[] = [];
  if (spec.preset) parts.push(`preset ${spec.preset}`);
  for (const key of PREPROCESS_KEYS) {
    if (key === 'preset') continue;
    const v = spec[key];
    if (v === undefined) continue;
    if (spec.preset && JSON.stringify(PRESETS[spec.preset]?.spec[key]) === JSON.stringify(v)) continue;
    parts.push(`${key}=${Array.isArray(v) ? v.map((x) => +x.toFixed(4)).join(',') : typeof v === 'number' ? +v.toFixed(6) : v}`);
  }
  return parts.join(', ') || 'defaults';
}
