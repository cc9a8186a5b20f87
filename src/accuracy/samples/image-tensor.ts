/**
 * A decoded image → the float tensor a model input takes: size (the model's fixed dims, the
 * spec's, aspect kept, multiples of N), bilinear resize, channel order, scale, mean/std, padding,
 * layout. The resize is OpenCV's INTER_LINEAR (half-pixel centres, edges clamped, no
 * antialiasing), which is what the Python pipelines these models come from call; image libraries'
 * resamplers (libvips, canvas) filter differently, and preprocessing that differs from training
 * shifts the very outputs being compared. Pure functions; errors name the file.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';
import type { Dim, TensorInfo } from '../../core/model-description.js';
import type { DecodedImage } from './decode-image.js';
import type { ChannelOrder, Layout, PreprocessSpec } from './preprocess-spec.js';

export interface ImagePlan {
  layout: Layout;
  channels: ChannelOrder;
  /** Channel count the model takes (1 or 3). */
  c: number;
  /** Rank of the model input (4 with batch, 3 without). */
  rank: 3 | 4;
}

const fixed = (d: Dim | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);

/** Layout and channels for an image input, from the spec and the input's shape. */
export function planImage(input: TensorInfo, spec: PreprocessSpec, file: string): ImagePlan {
  const shape = input.shape ?? [];
  if (shape.length !== 4 && shape.length !== 3) {
    throw new DlpackError('USAGE', `image samples feed rank-3/4 inputs; the model's input "${input.name}" has rank ${shape.length} (choose another with --preprocess input=NAME)`, { file });
  }
  const rank = shape.length as 3 | 4;
  const off = rank === 4 ? 1 : 0;
  const first = fixed(shape[off]);
  const last = fixed(shape[off + 2]);
  const isC = (d: number | undefined) => d === 1 || d === 3;
  const layout: Layout = spec.layout ?? (isC(last) && !isC(first) ? 'NHWC' : 'NCHW');
  const modelC = layout === 'NCHW' ? first : last;
  const specC = spec.channels === undefined ? undefined : spec.channels === 'gray' ? 1 : 3;
  if (modelC !== undefined && specC !== undefined && modelC !== specC) {
    throw new DlpackError(
      'USAGE',
      `the model's input "${input.name}" takes ${modelC} channel(s) (${layout}), the preprocessing gives ${specC} (channels=${spec.channels})${modelC === 1 ? '; use --preprocess channels=gray' : ''}`,
      { file },
    );
  }
  if (modelC !== undefined && modelC !== 1 && modelC !== 3) {
    throw new DlpackError('USAGE', `the model's input "${input.name}" has ${modelC} channels in ${layout}; images give 1 or 3 (set --preprocess layout=… if the layout was guessed wrong)`, { file });
  }
  const c = specC ?? modelC ?? 3;
  return { layout, channels: spec.channels ?? (c === 1 ? 'gray' : 'RGB'), c, rank };
}

/** The resized size and the canvas it is placed on (top-left), for an image of h×w. */
export function targetSize(h: number, w: number, input: TensorInfo, plan: ImagePlan, spec: PreprocessSpec, file: string) {
  const shape = input.shape ?? [];
  const off = plan.rank === 4 ? 1 : 0;
  const hAt = plan.layout === 'NCHW' ? off + 1 : off;
  const modelH = fixed(shape[hAt]);
  const modelW = fixed(shape[hAt + 1]);
  let srcH = h;
  let srcW = w;
  if (spec.maxSide && Math.max(h, w) > spec.maxSide) {
    const r = spec.maxSide / Math.max(h, w);
    srcH = Math.max(1, Math.round(h * r));
    srcW = Math.max(1, Math.round(w * r));
  }
  const H = spec.height ?? (spec.width === undefined ? modelH : undefined);
  const W = spec.width ?? (spec.height === undefined ? modelW : undefined);
  let rh: number;
  let rw: number;
  let canvasH: number;
  let canvasW: number;
  if (H !== undefined && W !== undefined) {
    if (spec.keepAspect) {
      rh = H;
      rw = Math.min(W, Math.ceil((H * srcW) / srcH));
    } else {
      rh = H;
      rw = W;
    }
    canvasH = H;
    canvasW = W;
  } else if (H !== undefined) {
    rh = H;
    rw = Math.max(1, Math.ceil((H * srcW) / srcH));
    canvasH = rh;
    canvasW = rw;
  } else if (W !== undefined) {
    rw = W;
    rh = Math.max(1, Math.ceil((W * srcH) / srcW));
    canvasH = rh;
    canvasW = rw;
  } else {
    rh = srcH;
    rw = srcW;
    canvasH = rh;
    canvasW = rw;
  }
  if (spec.multipleOf) {
    const m = spec.multipleOf;
    const round = (x: number) => Math.max(m, Math.round(x / m) * m);
    rh = canvasH = round(rh);
    rw = canvasW = round(rw);
  }
  if ((modelH !== undefined && modelH !== canvasH) || (modelW !== undefined && modelW !== canvasW)) {
    throw new DlpackError(
      'USAGE',
      `the preprocessing makes ${canvasH}×${canvasW} (H×W), the model's input "${input.name}" fixes ${modelH ?? '?'}×${modelW ?? '?'} (set --preprocess size=${modelH ?? canvasH}x${modelW ?? canvasW})`,
      { file },
    );
  }
  return { rh, rw, canvasH, canvasW };
}

/** OpenCV INTER_LINEAR resize of interleaved RGB bytes to float RGB. */
export function resizeBilinear(src: Uint8Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * 3);
  const sy = h / outH;
  const sx = w / outW;
  const x0s = new Int32Array(outW);
  const x1s = new Int32Array(outW);
  const wxs = new Float32Array(outW);
  for (let x = 0; x < outW; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    const x0 = Math.min(Math.floor(fx), w - 1);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, w - 1);
    wxs[x] = Math.min(1, fx - x0);
  }
  for (let y = 0; y < outH; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    const y0 = Math.min(Math.floor(fy), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = Math.min(1, fy - y0);
    for (let x = 0; x < outW; x++) {
      const wx = wxs[x];
      const a = (y0 * w + x0s[x]) * 3;
      const b = (y0 * w + x1s[x]) * 3;
      const c = (y1 * w + x0s[x]) * 3;
      const d = (y1 * w + x1s[x]) * 3;
      const o = (y * outW + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = src[a + k] + (src[b + k] - src[a + k]) * wx;
        const bottom = src[c + k] + (src[d + k] - src[c + k]) * wx;
        out[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}

/** The tensor for one image: shape per the plan (batch 1) and float32 values. */
export function imageToTensor(img: DecodedImage, input: TensorInfo, spec: PreprocessSpec, file: string, integerInput = false): { shape: number[]; data: Float32Array } {
  const plan = planImage(input, spec, file);
  const { rh, rw, canvasH, canvasW } = targetSize(img.height, img.width, input, plan, spec, file);
  const same = rh === img.height && rw === img.width;
  const px = same ? Float32Array.from(img.rgb) : resizeBilinear(img.rgb, img.height, img.width, rh, rw);
  const scale = spec.scale ?? (integerInput ? 1 : 1 / 255);
  const c = plan.c;
  const per = (v: number[] | undefined, fallback: number) => Array.from({ length: c }, (_, k) => (v ? (v.length === 1 ? v[0] : v[k] ?? v[0]) : fallback));
  const mean = per(spec.mean, 0);
  const std = per(spec.std, 1);
  const pad = spec.pad ?? 0;
  const data = new Float32Array(c * canvasH * canvasW).fill(pad);
  // source channel index for each output channel
  const order = plan.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      const p = (y * rw + x) * 3;
      for (let k = 0; k < c; k++) {
        const raw = c === 1 ? 0.299 * px[p] + 0.587 * px[p + 1] + 0.114 * px[p + 2] : px[p + order[k]];
        let v = (raw * scale - mean[k]) / std[k];
        if (integerInput) v = Math.round(v);
        const at = plan.layout === 'NCHW' ? (k * canvasH + y) * canvasW + x : (y * canvasW + x) * c + k;
        data[at] = v;
      }
    }
  }
  const hw = [canvasH, canvasW];
  const chw = plan.layout === 'NCHW' ? [c, ...hw] : [...hw, c];
  return { shape: plan.rank === 4 ? [1, ...chw] : chw, data };
}
