import * as assert from 'node:assert/strict';
import type { TailMessage } from '../../src/core/brokerClient';
import { RecordStore } from '../../src/tail/recordStore';
import { editorContentOf } from '../../src/webview/tailDetails';
import { jumpIn } from '../../src/webview/tailJump';

function message(partition: number, offset: number, value: string, topic = 'orders'): TailMessage {
  return { topic, partition, offset: String(offset), timestamp: 1_700_000_000_000 + offset, key: null, value, headers: {}, size: value.length };
}

describe('tail jump to offset, in words', () => {
  const store = new RecordStore(4);
  store.append([message(0, 99, 'old'), message(0, 100, 'a'), message(0, 101, 'b'), message(1, 7, 'c'), message(0, 5000, 'd')]);

  it('finds a shown offset: the row to scroll to and select', () => {
    assert.deepEqual(jumpIn(store, 0, '101'), { found: true, index: 1, seq: 2, text: 'Offset 101 of partition 0: row 2 of the shown messages.' });
    assert.equal(jumpIn(store, 1, '7', 'orders').text, 'Offset 7 of orders partition 1: row 3 of the shown messages.');
  });

  it('says when an offset is not retained, with the retained range', () => {
    assert.deepEqual(jumpIn(store, 0, '99'), { found: false, text: 'Offset 99 of partition 0 is not among the retained messages (retained: 100–5000).' });
    assert.equal(jumpIn(store, 0, '123456').text, 'Offset 123456 of partition 0 is not among the retained messages (retained: 100–5000).');
    assert.equal(jumpIn(store, 3, '1').text, 'Offset 1 of partition 3 is not among the retained messages (none of partition 3 are retained).');
    assert.equal(jumpIn(store, 0, '1', 'payments').found, false);
  });

  it('offers the next offset after a gap (compaction, transaction markers)', () => {
    const jump = jumpIn(store, 0, '200');
    assert.equal(jump.found, false);
    assert.equal(jump.index, 3);
    assert.equal(jump.seq, 4);
    assert.match(jump.text, /^Offset 200 of partition 0 is not among the retained messages \(retained: 100–5000; .*\); showing the next one, offset 5000\.$/);
  });

  it('says when the filter hides it', () => {
    store.setFilter([{ kind: 'substring', field: 'value', text: 'a' }]);
    assert.deepEqual(jumpIn(store, 0, '101'), { found: false, text: 'Offset 101 of partition 0 is retained but hidden by the filter; clear the filter or the time selection to see it.' });
    store.setFilter([]);
  });
});

describe('tail open in editor: content and language', () => {
  it('JSON is pretty-printed as json, other text stays plaintext, binary as the panel shows it', () => {
    assert.deepEqual(editorContentOf({ value: '{"id":12345678901234567890,"a":[1]}', valueEncoding: 'text' }), { content: '{\n  "id": 12345678901234567890,\n  "a": [\n    1\n  ]\n}', language: 'json' });
    assert.deepEqual(editorContentOf({ value: 'plain <b>text</b>', valueEncoding: 'text' }), { content: 'plain <b>text</b>', language: 'plaintext' });
    assert.deepEqual(editorContentOf({ value: '{broken', valueEncoding: 'text' }), { content: '{broken', language: 'plaintext' });
    assert.deepEqual(editorContentOf({ value: '3q2+7w==', valueEncoding: 'base64' }), { content: 'base64: 3q2+7w==\nhex:    de ad be ef', language: 'plaintext' });
    assert.deepEqual(editorContentOf({ value: null, valueEncoding: 'text' }), { content: '(null)', language: 'plaintext' });
  });
});
