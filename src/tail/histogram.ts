/**
 * The time histogram of a tail panel's filtered view: equal-width bins over [start, end) in ms,
 * where start is the earliest and end - 1 the latest timestamp of the view. Pure arithmetic with
 * no Node or DOM dependency: the record store bins, the webview maps a brushed span of bars back
 * to the time range those bars hold, and both use the same formulas so the two always agree.
 *
 * Timestamps are whole milliseconds. A bin never spans less than 1 ms (fewer bins when the view
 * spans less than `maxBins` ms), and bin i holds exactly the integer times t with
 * floor((t - start) * bins / span) = i, i.e. t in [binFrom(i), binFrom(i + 1) - 1].
 */

export interface TimeHistogram {
  /** Earliest timestamp of the view (ms); 0 when the view is empty. */
  start: number;
  /** Latest timestamp of the view + 1 (ms, exclusive); equals start when the view is empty. */
  end: number;
  /** Messages per bin, oldest bin first; empty when the view is empty. */
  counts: number[];
  /** Messages counted (the view's size). */
  total: number;
}

/** An inclusive time range in ms, as the `time` filter clause takes it. */
export interface TimeRange {
  from: number;
  to: number;
}

export const DEFAULT_HISTOGRAM_BINS = 100;

export const EMPTY_HISTOGRAM: TimeHistogram = Object.freeze({ start: 0, end: 0, counts: [], total: 0 });

/** How many bins a view from `min` to `max` (inclusive, whole ms) gets: at most one per ms. */
export function binCount(min: number, max: number, maxBins = DEFAULT_HISTOGRAM_BINS): number {
  return Math.max(1, Math.min(Math.floor(maxBins), Math.floor(max) - Math.floor(min) + 1));
}

/** The bin of time `t` in a histogram over [start, start + span) with `bins` bins (clamped). */
export function binOf(t: number, start: number, span: number, bins: number): number {
  const i = Math.floor(((Math.floor(t) - start) * bins) / span);
  return i < 0 ? 0 : i >= bins ? bins - 1 : i;
}

/** The first whole millisecond of bin i (i = bins gives end). */
export function binFrom(h: Pick<TimeHistogram, 'start' | 'end' | 'counts'>, i: number): number {
  const span = h.end - h.start;
  return h.start + Math.ceil((i * span) / h.counts.length);
}

/** The inclusive time range bins i0..i1 hold (in either order, clamped to the histogram). */
export function rangeOfBins(h: Pick<TimeHistogram, 'start' | 'end' | 'counts'>, i0: number, i1: number): TimeRange | undefined {
  const n = h.counts.length;
  if (n === 0) {
    return undefined;
  }
  const lo = Math.max(0, Math.min(n - 1, Math.min(i0, i1)));
  const hi = Math.max(0, Math.min(n - 1, Math.max(i0, i1)));
  return { from: binFrom(h, lo), to: binFrom(h, hi + 1) - 1 };
}

/** The bin under a horizontal position x of a chart `width` pixels wide. */
export function binAtX(h: Pick<TimeHistogram, 'counts'>, x: number, width: number): number {
  const n = h.counts.length;
  if (n === 0 || width <= 0) {
    return 0;
  }
  return Math.max(0, Math.min(n - 1, Math.floor((x / width) * n)));
}

/** Bins a list of timestamps (tests, small views); the record store does the same over its columns. */
export function histogramOf(times: ArrayLike<number>, maxBins = DEFAULT_HISTOGRAM_BINS): TimeHistogram {
  if (times.length === 0) {
    return { ...EMPTY_HISTOGRAM, counts: [] };
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    min = t < min ? t : min;
    max = t > max ? t : max;
  }
  const start = Math.floor(min);
  const end = Math.floor(max) + 1;
  const bins = binCount(start, end - 1, maxBins);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < times.length; i++) {
    counts[binOf(times[i], start, end - start, bins)]++;
  }
  return { start, end, counts, total: times.length };
}
