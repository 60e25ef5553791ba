import * as assert from 'node:assert/strict';
import type { TailMessage } from '../../src/core/brokerClient';
import { binAtX, binCount, binFrom, histogramOf, rangeOfBins } from '../../src/tail/histogram';
import { RecordStore } from '../../src/tail/recordStore';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

function message(offset: number, timestamp: number, value = 'v'): TailMessage {
  return { topic: 't', partition: 0, offset: String(offset), timestamp, timestampType: 'CreateTime', key: null, value, headers: [], size: 1 };
}

/** A small deterministic PRNG (mulberry32), so the property checks are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('tail time histogram: binning', () => {
  it('an empty view has no bins', () => {
    assert.deepEqual(histogramOf([]), { start: 0, end: 0, counts: [], total: 0 });
    assert.deepEqual(new RecordStore(10).timeHistogram(), { start: 0, end: 0, counts: [], total: 0 });
    assert.equal(rangeOfBins(histogramOf([]), 0, 3), undefined);
    assert.equal(binAtX(histogramOf([]), 10, 100), 0);
  });

  it('a single timestamp is one bar of 1 ms', () => {
    assert.deepEqual(histogramOf([T0, T0, T0]), { start: T0, end: T0 + 1, counts: [3], total: 3 });
    assert.deepEqual(rangeOfBins(histogramOf([T0]), 0, 0), { from: T0, to: T0 });
  });

  it('never makes bins narrower than 1 ms', () => {
    assert.equal(binCount(T0, T0 + 1), 2);
    assert.equal(binCount(T0, T0 + 49), 50);
    assert.equal(binCount(T0, T0 + 10_000), 100);
    assert.deepEqual(histogramOf([T0, T0 + 1, T0 + 1]).counts, [1, 2]);
    assert.deepEqual(histogramOf([T0 + 4, T0]).counts, [1, 0, 0, 0, 1]);
  });

  it('puts the earliest time in the first bin and the latest in the last, evenly between', () => {
    const even = histogramOf(Array.from({ length: 1000 }, (_, i) => T0 + i));
    assert.equal(even.counts.length, 100);
    assert.ok(even.counts.every((c) => c === 10), JSON.stringify(even.counts));
    const ends = histogramOf([T0, T0 + 1000]);
    assert.equal(ends.end - ends.start, 1001);
    assert.equal(ends.counts[0], 1);
    assert.equal(ends.counts[99], 1);
    assert.equal(ends.total, 2);
    // Bin edges are whole ms: each bin starts where the one before ended.
    for (let i = 0; i < 100; i++) {
      assert.equal(rangeOfBins(ends, i, i)?.to, binFrom(ends, i + 1) - 1);
    }
    assert.equal(binFrom(ends, 0), T0);
    assert.equal(binFrom(ends, 100), T0 + 1001);
  });

  it('a brushed span of bars selects exactly the messages those bars count', () => {
    const next = random(42);
    for (let round = 0; round < 50; round++) {
      const spread = 1 + Math.floor(next() * 10_000_000);
      const times = Array.from({ length: 1 + Math.floor(next() * 500) }, () => T0 + Math.floor(next() * spread));
      const h = histogramOf(times, 1 + Math.floor(next() * 120));
      assert.equal(h.counts.reduce((a, b) => a + b, 0), times.length);
      const i0 = Math.floor(next() * h.counts.length);
      const i1 = Math.floor(next() * h.counts.length);
      const range = rangeOfBins(h, i1, i0);
      assert.ok(range);
      const inRange = times.filter((t) => t >= range.from && t <= range.to).length;
      const barSum = h.counts.slice(Math.min(i0, i1), Math.max(i0, i1) + 1).reduce((a, b) => a + b, 0);
      assert.equal(inRange, barSum, `round ${round}: bins ${i0}..${i1} of ${JSON.stringify(h)}`);
    }
  });

  it('maps a horizontal position to a bar, clamped to the chart', () => {
    const h = histogramOf([T0, T0 + 999]);
    assert.equal(h.counts.length, 100);
    assert.equal(binAtX(h, 0, 500), 0);
    assert.equal(binAtX(h, 4.99, 500), 0);
    assert.equal(binAtX(h, 5, 500), 1);
    assert.equal(binAtX(h, 499.9, 500), 99);
    assert.equal(binAtX(h, 500, 500), 99);
    assert.equal(binAtX(h, -20, 500), 0);
    assert.equal(binAtX(h, 900, 500), 99);
  });
});

describe('tail time histogram: the record store', () => {
  it('bins the whole filtered view, not the page in view, and follows the filter', () => {
    const store = new RecordStore(100);
    store.append(Array.from({ length: 10 }, (_, i) => message(i, T0 + i * 1000, i % 2 === 0 ? 'even' : 'odd')));
    const all = store.timeHistogram(10);
    assert.deepEqual(all, { start: T0, end: T0 + 9001, counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], total: 10 });
    store.setFilter([{ kind: 'substring', field: 'value', text: 'odd' }]);
    const odd = store.timeHistogram(10);
    assert.equal(odd.start, T0 + 1000);
    assert.equal(odd.end, T0 + 9001);
    assert.equal(odd.total, 5);
    assert.equal(odd.counts.reduce((a, b) => a + b, 0), 5);
  });

  it('after drop-oldest only the retained messages count, and the range moves with them', () => {
    const store = new RecordStore(5);
    const before = store.version;
    store.append(Array.from({ length: 5 }, (_, i) => message(i, T0 + i)));
    assert.deepEqual(store.timeHistogram(), { start: T0, end: T0 + 5, counts: [1, 1, 1, 1, 1], total: 5 });
    assert.ok(store.version > before);
    const full = store.version;
    store.append([message(5, T0 + 100), message(6, T0 + 100)]);
    assert.ok(store.version > full, 'an append that drops must count as a change');
    const h = store.timeHistogram();
    assert.equal(h.start, T0 + 2);
    assert.equal(h.end, T0 + 101);
    assert.equal(h.total, 5);
    assert.equal(h.counts[0], 1);
    assert.equal(h.counts[h.counts.length - 1], 2);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 5);
    store.clear();
    assert.deepEqual(store.timeHistogram(), { start: 0, end: 0, counts: [], total: 0 });
  });

  it('a brushed range as a time filter matches what the bars counted', () => {
    const store = new RecordStore(1000);
    const next = random(7);
    store.append(Array.from({ length: 1000 }, (_, i) => message(i, T0 + Math.floor(next() * 3_600_000))));
    const h = store.timeHistogram();
    const range = rangeOfBins(h, 10, 39);
    assert.ok(range);
    store.setFilter([{ kind: 'time', ...range }]);
    assert.equal(store.counts().matched, h.counts.slice(10, 40).reduce((a, b) => a + b, 0));
    const zoomed = store.timeHistogram();
    assert.equal(zoomed.total, store.counts().matched);
    assert.ok(zoomed.start >= range.from && zoomed.end - 1 <= range.to);
  });

  it('bins 1,000,000 retained records after the ring wrapped (its cost is measured by npm run bench)', function () {
    this.timeout(60_000);
    const count = 1_000_000;
    const store = new RecordStore(count);
    // 1.2 M appended, so the ring has wrapped and the oldest 200,000 were dropped.
    for (let i = 0; i < count * 1.2; i += 10_000) {
      store.append(Array.from({ length: 10_000 }, (_, j) => message(i + j, T0 + (i + j) * 3)));
    }
    assert.equal(store.counts().matched, count);
    const h = store.timeHistogram();
    assert.equal(h.total, count);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), count);
    assert.equal(h.start, T0 + 200_000 * 3);
  });
});
