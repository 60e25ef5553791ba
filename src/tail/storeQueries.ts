/**
 * Read-only queries over a record store's columns and filtered view (recordStore.ts): where an
 * offset is ("Jump to offset") and the time histogram of the view.
 */
import { DEFAULT_HISTOGRAM_BINS, EMPTY_HISTOGRAM, type TimeHistogram, binCount, binOf } from './histogram';

/** What the queries read; the store hands out its own arrays, not copies. */
export interface StoreColumns {
  readonly capacity: number;
  readonly firstSeq: number;
  readonly nextSeq: number;
  readonly topicIds: ReadonlyMap<string, number>;
  readonly topicNames: readonly string[];
  readonly topicCol: Uint16Array;
  readonly partitionCol: Int32Array;
  readonly offsetCol: Float64Array;
  readonly timeCol: Float64Array;
  /** Sequence numbers of the filtered view, in order, from viewStart on. */
  readonly view: readonly number[];
  readonly viewStart: number;
}

/**
 * Where an offset of a partition is, for "Jump to offset": a row of the filtered view, retained but
 * hidden by the filter, or not retained (then the retained offsets of that partition, and the next
 * row after it when it falls in a gap inside that range, e.g. a transaction marker or compaction).
 */
export type OffsetLocation =
  | { kind: 'shown'; index: number; seq: number }
  | { kind: 'filtered'; seq: number }
  | { kind: 'notRetained'; retained?: { first: number; last: number }; next?: { index: number; seq: number; offset: string } };

/** Index in the filtered view of the first record at or after an offset of a partition, or -1. */
export function indexOfOffset(c: StoreColumns, partition: number, offset: number, topic?: string): number {
  const matched = c.view.length - c.viewStart;
  for (let index = 0; index < matched; index++) {
    const slot = c.view[c.viewStart + index] % c.capacity;
    if (
      c.partitionCol[slot] === partition &&
      c.offsetCol[slot] >= offset &&
      (topic === undefined || c.topicNames[c.topicCol[slot]] === topic)
    ) {
      return index;
    }
  }
  return -1;
}

/**
 * Where a partition's offset is (see OffsetLocation): one pass over the retained partition and
 * offset columns, then a binary search of the filtered view (it is in sequence order).
 */
export function locateOffset(c: StoreColumns, partition: number, offset: number, topic?: string): OffsetLocation {
  const topicId = topic === undefined ? -1 : (c.topicIds.get(topic) ?? -2);
  if (topicId === -2) {
    return { kind: 'notRetained' };
  }
  let first = Infinity;
  let last = -Infinity;
  let hidden: number | undefined;
  for (let seq = c.firstSeq; seq < c.nextSeq; seq++) {
    const slot = seq % c.capacity;
    if (c.partitionCol[slot] !== partition || (topicId >= 0 && c.topicCol[slot] !== topicId)) {
      continue;
    }
    const o = c.offsetCol[slot];
    first = o < first ? o : first;
    last = o > last ? o : last;
    if (o === offset) {
      const index = viewIndexOf(c, seq);
      if (index >= 0) {
        return { kind: 'shown', index, seq };
      }
      hidden ??= seq;
    }
  }
  if (hidden !== undefined) {
    return { kind: 'filtered', seq: hidden };
  }
  if (first > last) {
    return { kind: 'notRetained' };
  }
  const retained = { first, last };
  if (offset < first || offset > last) {
    return { kind: 'notRetained', retained };
  }
  const index = indexOfOffset(c, partition, offset, topic);
  const seq = index < 0 ? -1 : c.view[c.viewStart + index];
  return index < 0 ? { kind: 'notRetained', retained } : { kind: 'notRetained', retained, next: { index, seq, offset: String(c.offsetCol[seq % c.capacity]) } };
}

/**
 * Bins the timestamps of the whole filtered view (see histogram.ts): one pass for the earliest
 * and latest time, one to count. About 10 ms for a million records; callers throttle it.
 */
export function viewHistogram(c: StoreColumns, maxBins = DEFAULT_HISTOGRAM_BINS): TimeHistogram {
  const view = c.view;
  const from = c.viewStart;
  const to = view.length;
  if (from === to) {
    return { ...EMPTY_HISTOGRAM, counts: [] };
  }
  const times = c.timeCol;
  const capacity = c.capacity;
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const t = times[view[i] % capacity];
    if (t < min) {
      min = t;
    }
    if (t > max) {
      max = t;
    }
  }
  const start = Math.floor(min);
  const end = Math.floor(max) + 1;
  const bins = binCount(start, end - 1, maxBins);
  const counts = new Array<number>(bins).fill(0);
  const span = end - start;
  for (let i = from; i < to; i++) {
    counts[binOf(times[view[i] % capacity], start, span, bins)]++;
  }
  return { start, end, counts, total: to - from };
}

/** Index in the filtered view of a sequence number, or -1 when the filter hides it. */
function viewIndexOf(c: StoreColumns, seq: number): number {
  let lo = c.viewStart;
  let hi = c.view.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = c.view[mid];
    if (at === seq) {
      return mid - c.viewStart;
    }
    if (at < seq) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return -1;
}
