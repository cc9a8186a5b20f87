/**
 * Screenshot pixels (Chromium's PNGs) read with pngjs, the decoder dlpack's --samples use: RGBA,
 * four channels, plus two pixel counts the HTML report tests judge a page by.
 */
import { PNG } from 'pngjs';

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

export function decodePng(buf: Buffer): Pixels {
  const png = PNG.sync.read(buf);
  return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** Count of pixels close (each channel within `tol`) to an RGB colour. */
export function countNear(px: Pixels, rgb: [number, number, number], tol = 24): number {
  let n = 0;
  for (let i = 0; i < px.data.length; i += px.channels) {
    if (Math.abs(px.data[i] - rgb[0]) <= tol && Math.abs(px.data[i + 1] - rgb[1]) <= tol && Math.abs(px.data[i + 2] - rgb[2]) <= tol) n++;
  }
  return n;
}

export function distinctColours(px: Pixels): number {
  const seen = new Set<number>();
  for (let i = 0; i < px.data.length; i += px.channels) seen.add((px.data[i] << 16) | (px.data[i + 1] << 8) | px.data[i + 2]);
  return seen.size;
}
