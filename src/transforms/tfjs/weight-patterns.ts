/**
 * `--weights` patterns, matched as tensorflowjs_converter matches its `--quantize_uint8 conv/*`
 * wildcards: Python's fnmatch (POSIX, case-sensitive) against the whole weight name — `*` any
 * run of characters (slashes included), `?` one character, `[seq]` / `[!seq]` a set.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';

/** fnmatch.translate: one glob → an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        re += '\\[';
      } else {
        let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        else if (body.startsWith('^')) body = `\\${body}`;
        re += `[${body}]`;
        i = j;
      }
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${re})$`, 's');
}

export interface WeightSelector {
  /** True when the weight name matches one of the patterns (or no patterns were given). */
  matches(name: string): boolean;
  /** Patterns that matched no name so far. */
  unused(): string[];
}

export function weightSelector(patterns: string[] | undefined): WeightSelector {
  const list = (patterns ?? []).map((p) => p.trim()).filter((p) => p.length > 0);
  const compiled = list.map((p) => {
    try {
      return { pattern: p, re: globToRegExp(p), used: false };
    } catch (err) {
      throw new DlpackError('USAGE', `--weights pattern "${p}" is not a valid wildcard (${(err as Error).message})`);
    }
  });
  return {
    matches(name) {
      if (compiled.length === 0) return true;
      let hit = false;
      for (const c of compiled) {
        if (c.re.test(name)) {
          c.used = true;
          hit = true;
        }
      }
      return hit;
    },
    unused: () => compiled.filter((c) => !c.used).map((c) => c.pattern),
  };
}
