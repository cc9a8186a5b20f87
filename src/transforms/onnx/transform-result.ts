/** What a graph rewrite did: the parts of the transform report it fills in. */
export interface RewriteResult {
  changed: { name: string; what: string }[];
  skipped: { name: string; reason: string }[];
  notes: string[];
}

export function emptyResult(): RewriteResult {
  return { changed: [], skipped: [], notes: [] };
}

/** Options shared by the quantization modes (like ORT's op_types_to_quantize / nodes_to_exclude). */
export interface SelectionOptions {
  /** Only these op types (default: every type the mode handles). */
  opTypes?: string[];
  /** Node names left alone. */
  excludeNodes?: string[];
  /** Tensors with fewer elements stay float (default 1024). */
  minElements?: number;
}

export const DEFAULT_MIN_ELEMENTS = 1024;
