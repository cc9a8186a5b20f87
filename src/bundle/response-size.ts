/**
 * The size of the handler's JSON answer, estimated before deploying from the model's declared
 * output shapes and the handler's encoding (tensor-response.ts: every element a JSON number, bool
 * or string), checked against the platform's response payload limit. A symbolic or unknown
 * dimension counts as 1 (a batch of one: the smallest answer), so a FAIL is never caused by a guess
 * about the batch; an output of unknown rank is left out and said so.
 */
import type { TensorInfo } from '../core/model-description.js';
import type { PlatformProfile } from '../core/platform-facts.js';
import type { LimitCheck } from '../core/reports/schemas.js';
import { formatBytes } from '../core/units.js';

/**
 * JSON bytes per element, separator included. A float32 value printed by JavaScript takes the
 * shortest decimal of its float64 widening: 17–19 characters for values that are not short binary
 * fractions (Math.fround(0.1) → "0.10000000149011612"); 18 is the figure used. Integers: class ids
 * and counts, a few digits.
 */
const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 18,
  float16: 18,
  float64: 19,
  bfloat16: 18,
  bool: 5.5,
  string: 12,
};
const INTEGER_BYTES = 4;
/** Bytes per element of the typed arrays behind the compact (base64) answer; 4/3 of it on the wire. */
const ELEMENT_WIDTH: Record<string, number> = { float64: 8, int64: 8, uint64: 8, float32: 4, int32: 4, uint32: 4, float16: 2, bfloat16: 2, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1 };

/** Fixed part of the answer around each output: name, dtype, dims (and the backend/ms fields once). */
const PER_OUTPUT_OVERHEAD = 64;
const ENVELOPE = 120;

export interface ResponseEstimate {
  bytes: number;
  /** Outputs left out (unknown rank). */
  unknown: string[];
  /** True when a symbolic dimension was taken as 1. */
  symbolic: boolean;
}

/** `encoding`: the default JSON answer, or the compact one a request can ask for (base64 of the bytes; strings stay JSON). */
export function estimateResponseBytes(outputs: TensorInfo[], encoding: 'json' | 'base64' = 'json'): ResponseEstimate {
  let bytes = ENVELOPE;
  const unknown: string[] = [];
  let symbolic = false;
  for (const o of outputs) {
    if (!o.shape) {
      unknown.push(o.name);
      continue;
    }
    let elements = 1;
    for (const d of o.shape) {
      if (typeof d === 'number' && d >= 0) elements *= d;
      else symbolic = true;
    }
    const width = ELEMENT_WIDTH[o.dtype];
    const perElement = encoding === 'base64' && width ? (width * 4) / 3 : (BYTES_PER_ELEMENT[o.dtype] ?? INTEGER_BYTES);
    bytes += PER_OUTPUT_OVERHEAD + o.name.length + elements * perElement;
  }
  return { bytes: Math.round(bytes), unknown, symbolic };
}

/** The response row of the size report, and a note naming the platform's error when it does not fit. */
export function checkResponseSize(profile: PlatformProfile, outputs: TensorInfo[]): { check?: LimitCheck; notes: string[] } {
  const limit = profile.payload.responseBytes;
  const estimate = estimateResponseBytes(outputs);
  const notes: string[] = [];
  if (estimate.unknown.length) notes.push(`response size: output${estimate.unknown.length > 1 ? 's' : ''} ${estimate.unknown.join(', ')} of unknown rank not counted`);
  const check: LimitCheck = {
    limit: `response (JSON, from output shapes${estimate.symbolic ? ', batch 1' : ''})`,
    limitBytes: limit.value,
    actualBytes: estimate.bytes,
    pass: estimate.bytes <= limit.value,
    source: limit.source,
  };
  if (!check.pass) {
    const error = profile.payload.responseTooLarge?.value;
    const compact = estimateResponseBytes(outputs, 'base64').bytes;
    notes.push(
      `the answer would be about ${formatBytes(estimate.bytes)} of JSON, over ${profile.name}'s ${formatBytes(limit.value)} response limit` +
        (error ? `: every such invocation fails with ${error.errorType}` : '') +
        (compact <= limit.value
          ? `; requests that ask for the compact encoding ("encoding": "base64") get about ${formatBytes(compact)}, which fits`
          : `; even the compact encoding ("encoding": "base64") would be about ${formatBytes(compact)}`) +
        '; or return fewer or smaller outputs (a post-processing step in the model, e.g. top-k or NMS)',
    );
  }
  return { check, notes };
}
