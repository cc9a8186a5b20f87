/**
 * Placing text in the charts so no two labels overlap: an estimate of a label's box (no browser
 * here to measure it, so the estimate errs wide), a greedy thinning of axis tick labels, wrapping
 * of legend rows, and a search for the nearest free height for each budget label.
 * test/report/html-chromium.test.ts measures the real boxes in Chromium.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Average advance per character at the charts' 11 px (DejaVu Sans is the widest common fallback). */
const CHAR_PX = { normal: 6.9, bold: 7.6 } as const;

/** Estimated width of `text` at 11 px. */
export function textWidth(text: string, weight: 'normal' | 'bold' = 'normal'): number {
  return Math.ceil([...text].length * CHAR_PX[weight]) + 2;
}

export function intersects(a: Box, b: Box, gap = 1): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

/** Box of an 11 px label whose baseline is at `y`, anchored at `x`. */
export function labelBox(x: number, y: number, w: number, anchor: 'start' | 'middle' | 'end'): Box {
  const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
  return { x: left, y: y - 10, w, h: 13 };
}

/**
 * Which of the tick labels centred at `xs` to print so none overlaps the next: the first and the
 * last are kept, inner ones only where they fit.
 */
export function thinTicks(xs: number[], labels: string[]): boolean[] {
  const boxes = xs.map((x, i) => labelBox(x, 0, textWidth(labels[i]), 'middle'));
  const keep = xs.map(() => false);
  if (!xs.length) return keep;
  const last = xs.length - 1;
  keep[0] = true;
  keep[last] = true;
  if (last > 0 && intersects(boxes[0], boxes[last], 4)) keep[last] = false;
  let prev = 0;
  for (let i = 1; i < last; i++) {
    if (!intersects(boxes[prev], boxes[i], 4) && (!keep[last] || !intersects(boxes[i], boxes[last], 4))) {
      keep[i] = true;
      prev = i;
    }
  }
  return keep;
}

/** Legend items laid out in rows that fit between `left` and `right`; each gets an x and a row. */
export function legendRows(names: string[], left: number, right: number): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x = left;
  let row = 0;
  for (const n of names) {
    const w = 22 + textWidth(n) + 10;
    if (x > left && x + w > right) {
      row++;
      x = left;
    }
    out.push({ x, row });
    x += w;
  }
  return out;
}

/**
 * The baseline for a label that would like to sit at `want`: the nearest height (searching up and
 * down in 13 px steps, within [top, bottom]) where its box meets none of `taken`. Undefined when
 * there is no room at all.
 */
export function freeBaseline(want: number, box: (y: number) => Box, taken: Box[], top: number, bottom: number): number | undefined {
  const fits = (y: number) => y - 10 >= top && y + 3 <= bottom && !taken.some((t) => intersects(t, box(y)));
  for (let step = 0; step < 200; step++) {
    for (const y of step ? [want - 13 * step, want + 13 * step] : [want]) if (fits(y)) return y;
    if (want - 13 * step < top && want + 13 * step > bottom) break;
  }
  return undefined;
}
