import * as assert from 'node:assert/strict';
import { headerList } from '../../src/core/message';
import type { TailMessage } from '../../src/core/brokerClient';
import { base64ToHex, decodePayload, payloadFormat, prettyPayload } from '../../src/tail/decode';
import { indentJson } from '../../src/tail/json';
import { exportToString, parseCsv } from '../../src/tail/exportRecords';
import { RecordStore } from '../../src/tail/recordStore';
import { TailFilter } from '../../src/webview/tailFilter';

function message(offset: number, value: string | null, extra: Partial<TailMessage> = {}): TailMessage {
  return { topic: 't', partition: offset % 2, offset: String(offset), timestamp: 1_700_000_000_000 + offset, timestampType: 'CreateTime', key: `k${offset}`, value, headers: [], size: value?.length ?? 0, ...extra };
}

describe('tail decoding', () => {
  it('keeps valid UTF-8 as text and other bytes as base64, shown as hex too', () => {
    assert.deepEqual(decodePayload(Buffer.from('grüße ✓')), { text: 'grüße ✓', encoding: 'text' });
    const binary = decodePayload(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    assert.deepEqual(binary, { text: '3q2+7w==', encoding: 'base64' });
    assert.equal(base64ToHex(binary.text), 'de ad be ef');
    assert.equal(prettyPayload(binary.text, 'base64'), 'base64: 3q2+7w==\nhex:    de ad be ef');
  });

  it('detects JSON and pretty-prints it; text and null stay as they are', () => {
    assert.equal(payloadFormat('{"a":1}', 'text'), 'json');
    assert.equal(payloadFormat('[1,2]', 'text'), 'json');
    assert.equal(payloadFormat('{not json', 'text'), 'text');
    assert.equal(payloadFormat('42', 'text'), 'text');
    assert.equal(payloadFormat(null, 'text'), 'null');
    assert.equal(payloadFormat('AAE=', 'base64'), 'binary');
    assert.equal(prettyPayload('{"a":{"b":1}}', 'text'), '{\n  "a": {\n    "b": 1\n  }\n}');
    assert.equal(prettyPayload('<b>x</b>', 'text'), '<b>x</b>');
  });

  it('pretty-prints JSON as JSON.stringify would, keeping big numbers and escapes exactly as sent', () => {
    for (const text of ['{"a":[1,2,{"b":null}],"c":{},"d":[],"e":"x, y: {z}","f":true}', '[]', '[ { } , [ ] ]', ' {"a" : {"b" : [ 1 , "2" ] } } ', '{"q":"say \\"hi\\", \\\\"}']) {
      assert.equal(indentJson(text), JSON.stringify(JSON.parse(text), null, 2), text);
    }
    assert.equal(prettyPayload('{"id":12345678901234567890,"e":"\\u00e9","n":1.50}', 'text'), '{\n  "id": 12345678901234567890,\n  "e": "\\u00e9",\n  "n": 1.50\n}');
  });
});

describe('tail record store', () => {
  it('pages the filtered view by index, with previews and formats', () => {
    const store = new RecordStore(100);
    store.append([message(0, '{"n":0}'), message(1, 'text one'), message(2, null), message(3, 'AAE=', { valueBinary: true })]);
    const rows = store.page(1, 2);
    assert.deepEqual(rows.map((r) => [r.index, r.offset, r.value, r.format]), [[1, '1', 'text one', 'text'], [2, '2', '', 'null']]);
    // Binary is marked by its format (a badge in the table), not by a "base64:" prefix that reads like a link.
    assert.deepEqual([store.page(3, 10)[0].value, store.page(3, 10)[0].format], ['AAE=', 'binary']);
    assert.equal(store.page(3, 10)[0].format, 'binary');
    assert.deepEqual(store.page(10, 5), []);
    assert.equal(store.get(0)?.value, '{"n":0}');
  });

  it('drops the oldest at the cap, keeps counting, and keeps the view consistent', () => {
    const store = new RecordStore(5);
    for (let i = 0; i < 12; i++) {
      store.append([message(i, i % 3 === 0 ? 'fizz' : 'buzz')]);
    }
    assert.deepEqual(store.counts(), { retained: 5, matched: 5, received: 12, dropped: 7 });
    assert.deepEqual(store.page(0, 10).map((r) => r.offset), ['7', '8', '9', '10', '11']);
    assert.equal(store.get(6), undefined);
    store.setFilter([{ kind: 'substring', field: 'value', text: 'fizz' }]);
    assert.deepEqual(store.page(0, 10).map((r) => r.offset), ['9']);
    assert.equal(store.counts().matched, 1);
    // New arrivals are filtered as they come; old matches fall out of the view as they drop.
    store.append([message(12, 'fizz'), message(13, 'buzz'), message(14, 'buzz'), message(15, 'fizz')]);
    assert.deepEqual(store.page(0, 10).map((r) => r.offset), ['12', '15']);
    assert.equal(store.indexOfOffset(1, 15), 1);
    assert.equal(store.indexOfOffset(1, 99), -1);
  });

  it('locates an offset for Jump to offset: shown, hidden by the filter, in a gap, or not retained', () => {
    const store = new RecordStore(6);
    const at = (topic: string, partition: number, offset: number, value: string): TailMessage => ({ ...message(offset, value), topic, partition });
    // Partition 0 of "a" has offsets 10, 11, 13 (12 is a gap), partition 1 has 10; "b" has 0/10.
    store.append([at('a', 0, 9, 'x'), at('a', 0, 10, 'x'), at('a', 1, 10, 'y'), at('a', 0, 11, 'y'), at('b', 0, 10, 'x'), at('a', 0, 13, 'x')]);
    store.append([at('a', 0, 14, 'x')]); // drops offset 9
    assert.deepEqual(store.locateOffset(0, 11), { kind: 'shown', index: 2, seq: 3 });
    assert.deepEqual(store.locateOffset(0, 10, 'a'), { kind: 'shown', index: 0, seq: 1 });
    assert.deepEqual(store.locateOffset(0, 10, 'b'), { kind: 'shown', index: 3, seq: 4 });
    assert.deepEqual(store.locateOffset(1, 10, 'a'), { kind: 'shown', index: 1, seq: 2 });
    assert.deepEqual(store.locateOffset(0, 9, 'a'), { kind: 'notRetained', retained: { first: 10, last: 14 } });
    assert.deepEqual(store.locateOffset(0, 99, 'a'), { kind: 'notRetained', retained: { first: 10, last: 14 } });
    assert.deepEqual(store.locateOffset(0, 12, 'a'), { kind: 'notRetained', retained: { first: 10, last: 14 }, next: { index: 4, seq: 5, offset: '13' } });
    assert.deepEqual(store.locateOffset(7, 1), { kind: 'notRetained' });
    assert.deepEqual(store.locateOffset(0, 1, 'unknown-topic'), { kind: 'notRetained' });
    store.setFilter([{ kind: 'substring', field: 'value', text: 'x' }]);
    assert.deepEqual(store.locateOffset(0, 11, 'a'), { kind: 'filtered', seq: 3 });
    assert.deepEqual(store.locateOffset(1, 10), { kind: 'filtered', seq: 2 });
    assert.deepEqual(store.locateOffset(0, 13, 'a'), { kind: 'shown', index: 2, seq: 5 });
    // indexOfOffset: the first shown row at or after an offset.
    assert.equal(store.indexOfOffset(0, 11, 'a'), 2);
    assert.equal(store.indexOfOffset(0, 0), 0);
    assert.equal(store.indexOfOffset(0, 15), -1);
    assert.equal(store.indexOfOffset(1, 0), -1);
    assert.equal(new RecordStore(3).indexOfOffset(0, 0), -1);
    assert.deepEqual(new RecordStore(3).locateOffset(0, 0), { kind: 'notRetained' });
    store.clear();
    assert.deepEqual(store.locateOffset(0, 13, 'a'), { kind: 'notRetained' });
  });

  it('clears everything and starts counting again', () => {
    const store = new RecordStore(3);
    store.append([message(0, 'a'), message(1, 'b'), message(2, 'c'), message(3, 'd')]);
    store.clear();
    assert.deepEqual(store.counts(), { retained: 0, matched: 0, received: 0, dropped: 0 });
    store.append([message(4, 'e')]);
    assert.deepEqual(store.page(0, 5).map((r) => r.offset), ['4']);
  });

  it('re-applies a filter to a large store quickly and compacts its view', () => {
    const store = new RecordStore(50_000);
    for (let i = 0; i < 200_000; i += 1000) {
      store.append(Array.from({ length: 1000 }, (_, j) => message(i + j, `{"n":${i + j}}`)));
    }
    assert.equal(store.counts().retained, 50_000);
    store.setFilter([{ kind: 'json', path: 'n', op: '>', operand: '199990' }]);
    assert.deepEqual(store.page(0, 20).map((r) => r.offset), ['199991', '199992', '199993', '199994', '199995', '199996', '199997', '199998', '199999']);
  });
});

describe('tail export', () => {
  const store = new RecordStore(10);
  store.append([
    message(0, '{"a":"x,y"}', { headers: headerList({ h: '1' }) }),
    message(1, 'line one\nline "two"', { key: null }),
    message(2, '3q2+7w==', { valueBinary: true }),
    message(3, null),
  ]);
  store.setFilter([{ kind: 'substring', field: 'any', text: 'k3' }]);
  store.setFilter([]);

  it('writes JSON and JSONL that parse back to the same messages', () => {
    const json = JSON.parse(exportToString(store.filtered(), 'json')) as Record<string, unknown>[];
    assert.equal(json.length, 4);
    assert.deepEqual(json[0], { topic: 't', partition: 0, offset: '0', timestamp: new Date(1_700_000_000_000).toISOString(), timestampType: 'CreateTime', key: 'k0', value: '{"a":"x,y"}', headers: { h: '1' } });
    assert.equal(json[2].valueEncoding, 'base64');
    const lines = exportToString(store.filtered(), 'jsonl').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines, json);
    assert.deepEqual(JSON.parse(exportToString([], 'json')), []);
  });

  it('writes CSV with quoting that parses back cell for cell', () => {
    const rows = parseCsv(exportToString(store.filtered(), 'csv'));
    assert.deepEqual(rows[0], ['timestamp', 'timestampType', 'topic', 'partition', 'offset', 'key', 'keyEncoding', 'value', 'valueEncoding', 'headers']);
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[1].slice(5), ['k0', 'text', '{"a":"x,y"}', 'text', '{"h":"1"}']);
    // A missing key is an empty cell that its encoding column calls null; base64 cells say base64.
    assert.deepEqual(rows[2].slice(5, 9), ['', 'null', 'line one\nline "two"', 'text']);
    assert.deepEqual(rows[3].slice(7, 9), ['3q2+7w==', 'base64']);
    assert.deepEqual(rows[4].slice(7, 9), ['', 'null']);
  });

  it('exports only what the filter shows', () => {
    store.setFilter([{ kind: 'regex', field: 'key', pattern: '^k[01]$' }]);
    assert.equal((JSON.parse(exportToString(store.filtered(), 'json')) as unknown[]).length, 1);
    store.setFilter([]);
  });
});

describe('tail record store: a filter applied in slices', () => {
  const json = (i: number) => message(i, JSON.stringify({ n: i, kind: i % 3 === 0 ? 'even-ish' : 'other' }));
  const kindIsEvenish = [{ kind: 'json' as const, path: 'kind', op: '=' as const, operand: 'even-ish' }];
  const seqs = (store: RecordStore) => [...store.filtered()].map((m) => m.offset);

  it('gives, after arrivals and drops during the slices, the view the whole filter gives at the end', () => {
    const sliced = new RecordStore(5_000);
    sliced.append(Array.from({ length: 5_000 }, (_, i) => json(i)));
    sliced.setFilter([{ kind: 'substring', field: 'value', text: '"n":1' }]);
    const before = seqs(sliced);
    sliced.beginFilter(kindIsEvenish);
    let steps = 0;
    let next = 5_000;
    while (!sliced.filterStep(0)) {
      steps++;
      const progress = sliced.filterProgress!;
      assert.ok(progress >= 0 && progress < 1, `progress ${progress}`);
      // Until the scan is done the view is the previous filter's.
      assert.deepEqual(seqs(sliced).filter((o) => Number(o) < 5_000), before.filter((o) => Number(o) >= next - 5_000));
      // Arrivals while the scan runs (each drops the oldest: the store is full).
      sliced.append([json(next++), json(next++)]);
    }
    assert.ok(steps >= 3, `only ${steps} slices`);
    assert.equal(sliced.filterProgress, undefined);
    const whole = new RecordStore(5_000);
    whole.append(Array.from({ length: 5_000 }, (_, i) => json(next - 5_000 + i)));
    whole.setFilter(kindIsEvenish);
    assert.deepEqual(seqs(sliced), seqs(whole));
    assert.deepEqual(sliced.counts(), { ...whole.counts(), received: 5_000 + (next - 5_000), dropped: next - 5_000 });
    // Later arrivals are matched as they come again.
    sliced.append([json(next + 2)]);
    assert.equal(seqs(sliced).at(-1), String(next + 2));
  });

  it('clearing during the slices ends them; an invalid filter changes nothing', () => {
    const store = new RecordStore(10_000);
    store.append(Array.from({ length: 10_000 }, (_, i) => json(i)));
    store.beginFilter(kindIsEvenish);
    assert.equal(store.filterStep(0), false);
    store.clear();
    assert.equal(store.filterProgress, undefined);
    store.append([json(3), json(4)]);
    assert.deepEqual(seqs(store), ['3']);
    assert.throws(() => store.beginFilter([{ kind: 'regex', field: 'value', pattern: '(' }]), /not valid/);
    assert.equal(store.filterProgress, undefined);
    assert.deepEqual(store.filter, kindIsEvenish);
  });
});

describe('tail panel filter (TailFilter): slices that leave the event loop free', () => {
  it('applies a JSON filter to 200,000 messages in slices, letting other callbacks run, with the same result', async () => {
    const store = new RecordStore(200_000);
    store.append(Array.from({ length: 200_000 }, (_, i) => message(i, JSON.stringify({ n: i, tag: i % 7 === 0 ? 'x' : 'y' }))));
    let progressCalls = 0;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      const applied = new Promise<void>((resolve) => {
        const filter = new TailFilter(store, () => progressCalls++, resolve);
        filter.takeBarSpec([{ kind: 'json', path: 'tag', op: '=', operand: 'x' }]);
        assert.equal(filter.error, undefined);
      });
      await applied;
    } finally {
      clearInterval(ticker);
    }
    assert.ok(progressCalls >= 2, `${progressCalls} progress calls`);
    assert.ok(ticks >= 1, 'no timer ran while the filter was applied');
    assert.equal(store.counts().matched, Math.ceil(200_000 / 7));
    assert.ok([...store.filtered()].every((m) => Number(m.offset) % 7 === 0));
  });

  it('reports an invalid filter bar and keeps applying the previous criteria with a new time range', () => {
    const store = new RecordStore(100);
    store.append(Array.from({ length: 10 }, (_, i) => message(i, `v${i}`)));
    let applied = 0;
    const filter = new TailFilter(store, () => undefined, () => applied++);
    filter.takeBarSpec([{ kind: 'substring', field: 'value', text: 'v' }]);
    filter.takeBarSpec([{ kind: 'regex', field: 'value', pattern: '[' }]);
    assert.match(filter.error ?? '', /not valid/);
    filter.setTimeRange({ from: 1_700_000_000_002, to: 1_700_000_000_004 });
    assert.deepEqual([...store.filtered()].map((m) => m.offset), ['2', '3', '4']);
    assert.ok(applied >= 2);
    filter.dispose();
  });
});
