/**
 * JSON from untrusted model files (TF.js model JSON, Keras configs): nesting is bounded before the
 * text is parsed, so a hostile file (a 100 000-deep array in userDefinedMetadata) is refused as
 * CORRUPT_MODEL instead of overflowing the stack of whatever walks the parsed value later
 * (JSON.stringify, a recursive describe). Real model JSON nests a few dozen levels at most.
 */
import { DlpackError } from '../core/errors/dlpack-error.js';

export const MAX_JSON_DEPTH = 256;

/** The deepest nesting of arrays/objects in `text` (stops counting once over `limit`); strings skipped. */
export function jsonNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // skip the string (escapes included)
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** Throws CORRUPT_MODEL naming `file` and `what` (e.g. "model JSON") when `text` nests too deep. */
export function checkJsonDepth(text: string, file: string, what: string): void {
  if (jsonNestingDepth(text) > MAX_JSON_DEPTH) {
    throw new DlpackError('CORRUPT_MODEL', `${what} nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep`, { file });
  }
}
