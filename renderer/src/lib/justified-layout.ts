/**
 * Justified rows for the gallery: every image keeps its shape, each full row fills the width exactly, rows are
 * about `target` px high. Pure and incremental: appending a page lays out only the new items (and the last,
 * unfinished row again), so a library of 100,000 outputs never re-lays out what the user has scrolled past.
 */

/** Aspect ratios are clamped so one panorama or one sliver cannot make a row absurdly short or tall. */
export const MIN_ASPECT = 0.5;
export const MAX_ASPECT = 2.4;

/** Width ÷ height of a picture, 1 when it is unknown, clamped to [MIN_ASPECT, MAX_ASPECT]. */
export function aspectOf(width: number | null | undefined, height: number | null | undefined): number {
  if (!width || !height || width <= 0 || height <= 0) return 1;
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, width / height));
}

export interface LayoutRow {
  /** Index of the row's first item. */
  start: number;
  /** Items in the row. */
  count: number;
  /** Row height in px. */
  height: number;
  /** Sum of the items' aspect ratios. */
  aspectSum: number;
  /** Whether the row fills the width (the last row of a list may not). */
  full: boolean;
}

export interface LayoutOptions {
  width: number;
  target: number;
  gap: number;
}

export interface JustifiedLayout extends LayoutOptions {
  rows: LayoutRow[];
  /** Items laid out. */
  count: number;
  /** Id of the first and of the last item laid out: whether a new list only extends this one. */
  firstKey: unknown;
  lastKey: unknown;
}

export function emptyLayout(options: LayoutOptions): JustifiedLayout {
  return { ...options, rows: [], count: 0, firstKey: undefined, lastKey: undefined };
}

function sameOptions(a: LayoutOptions, b: LayoutOptions): boolean {
  return a.width === b.width && a.target === b.target && a.gap === b.gap;
}

/**
 * Lay out `count` items (`aspect(i)`, `key(i)`), reusing `previous` when the list only grew at its end with the
 * same options; otherwise from scratch.
 */
export function layoutJustified(
  previous: JustifiedLayout | null,
  options: LayoutOptions,
  count: number,
  aspect: (index: number) => number,
  key: (index: number) => unknown,
): JustifiedLayout {
  const width = Math.max(1, options.width);
  const opts = { ...options, width };
  let rows: LayoutRow[] = [];
  let from = 0;
  if (
    previous &&
    sameOptions(previous, opts) &&
    count >= previous.count &&
    previous.count > 0 &&
    key(0) === previous.firstKey &&
    key(previous.count - 1) === previous.lastKey
  ) {
    if (count === previous.count) return previous;
    rows = previous.rows.slice();
    // The last row may have been waiting for more items: lay it out again with the new ones.
    const last = rows[rows.length - 1];
    if (last && !last.full) {
      rows.pop();
      from = last.start;
    } else from = previous.count;
  }
  let start = from;
  let sum = 0;
  for (let i = from; i < count; i++) {
    sum += aspect(i);
    const n = i - start + 1;
    const height = (width - opts.gap * (n - 1)) / sum;
    if (height <= opts.target) {
      rows.push({ start, count: n, height, aspectSum: sum, full: true });
      start = i + 1;
      sum = 0;
    }
  }
  if (start < count) rows.push({ start, count: count - start, height: opts.target, aspectSum: sum, full: false });
  return {
    ...opts,
    rows,
    count,
    firstKey: count > 0 ? key(0) : undefined,
    lastKey: count > 0 ? key(count - 1) : undefined,
  };
}

/** The row holding item `index` (binary search), or -1. */
export function rowOf(layout: JustifiedLayout, index: number): number {
  const { rows } = layout;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = rows[mid]!;
    if (index < row.start) hi = mid - 1;
    else if (index >= row.start + row.count) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Horizontal centre (px from the row's left edge) of each item of a row. */
function centres(layout: JustifiedLayout, row: LayoutRow, aspect: (index: number) => number): number[] {
  const out: number[] = [];
  let x = 0;
  for (let i = 0; i < row.count; i++) {
    const w = aspect(row.start + i) * row.height;
    out.push(x + w / 2);
    x += w + layout.gap;
  }
  return out;
}

/**
 * Keyboard movement: ←/→ step through the items, ↑/↓ go to the item of the row above/below nearest the same
 * horizontal position, PageUp/PageDown jump `pageRows` rows, Home/End to the ends. Returns the new index.
 */
export function moveInLayout(
  layout: JustifiedLayout,
  index: number,
  key: string,
  aspect: (index: number) => number,
  pageRows = 3,
): number {
  const count = layout.count;
  if (count === 0) return -1;
  const at = Math.max(0, Math.min(index, count - 1));
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  if (key === 'ArrowRight') return Math.min(count - 1, at + 1);
  if (key === 'ArrowLeft') return Math.max(0, at - 1);
  const rowsBy: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
  const by = rowsBy[key];
  if (by === undefined) return at;
  const r = rowOf(layout, at);
  const target = Math.max(0, Math.min(layout.rows.length - 1, r + by));
  if (target === r) return by > 0 ? count - 1 : 0;
  const from = layout.rows[r]!;
  const x = centres(layout, from, aspect)[at - from.start]!;
  const to = layout.rows[target]!;
  const xs = centres(layout, to, aspect);
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i]! - x) < Math.abs(xs[best]! - x)) best = i;
  return to.start + best;
}
