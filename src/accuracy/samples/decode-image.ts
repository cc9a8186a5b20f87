/**
 * PNG and JPEG → 8-bit RGB pixels, with pngjs (pure JS, CRC-checked, every bit depth and
 * interlace) and jpeg-js (pure JS, strict mode so a truncated file is an error, with its
 * resolution and memory caps). Both are loaded on first use. Alpha is dropped, as cv2.imread and
 * PIL's convert('RGB') do; grey and palette images are expanded to RGB.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** Channels stored in the file (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  fileChannels: number;
  /** Row-major RGB, 3 bytes per pixel. */
  rgb: Uint8Array;
}

/** Largest image decoded, in pixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;

function corrupt(file: string, what: string, err: unknown): DlpackError {
  const why = String((err as Error)?.message ?? err).split('\n')[0].slice(0, 200);
  return new DlpackError('USAGE', `not a readable ${what} (${why})`, { file, cause: err });
}

export async function decodeImage(bytes: Buffer, file: string): Promise<DecodedImage> {
  const isPng = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (isPng) return decodePng(bytes, file);
  if (isJpeg) return decodeJpeg(bytes, file);
  throw new DlpackError('USAGE', 'not a PNG or JPEG image (its first bytes are neither signature)', { file });
}

async function decodePng(bytes: Buffer, file: string): Promise<DecodedImage> {
  const { PNG } = await import('pngjs');
  // The header alone first: refuse huge images before inflating them.
  const width = bytes.length >= 24 ? bytes.readUInt32BE(16) : 0;
  const height = bytes.length >= 24 ? bytes.readUInt32BE(20) : 0;
  if (width * height > MAX_IMAGE_PIXELS) throw new DlpackError('TOO_LARGE', `image is ${width}×${height} (at most ${MAX_IMAGE_PIXELS} pixels)`, { file });
  let png;
  try {
    png = PNG.sync.read(bytes);
  } catch (err) {
    const msg = String((err as Error).message);
    if (/read requests|unexpected end|finished stream|Unexpected end/i.test(msg)) {
      throw new DlpackError('USAGE', 'truncated PNG: the file ends before its image data does', { file, cause: err });
    }
    throw corrupt(file, 'PNG', err);
  }
  const channels = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }[png.colorType as 0 | 2 | 3 | 4 | 6] ?? 4;
  const n = png.width * png.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = png.data[i * 4];
    rgb[i * 3 + 1] = png.data[i * 4 + 1];
    rgb[i * 3 + 2] = png.data[i * 4 + 2];
  }
  return { width: png.width, height: png.height, fileChannels: channels, rgb };
}

async function decodeJpeg(bytes: Buffer, file: string): Promise<DecodedImage> {
  const jpeg = (await import('jpeg-js')).default;
  let img;
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (err) {
    const msg = String((err as Error).message);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(msg)) throw new DlpackError('TOO_LARGE', `image is too large to decode (${msg})`, { file, cause: err });
    if (/out of bounds|unexpected|marker was not found|end of/i.test(msg)) {
      throw new DlpackError('USAGE', `truncated or corrupt JPEG (${msg.slice(0, 120)})`, { file, cause: err });
    }
    throw corrupt(file, 'JPEG', err);
  }
  if (!img.width || !img.height) throw new DlpackError('USAGE', 'JPEG has no image data', { file });
  return { width: img.width, height: img.height, fileChannels: 3, rgb: img.data as Uint8Array };
}
