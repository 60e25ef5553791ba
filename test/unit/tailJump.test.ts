import * as assert from 'node:assert/strict';
import { headerList } from '../../src/core/message';
import type { TailMessage } from '../../src/core/brokerClient';
import { RecordStore } from '../../src/tail/recordStore';
import { parseText } from '../../src/produce/shapes';
import type { SourceIssue, SourceMessage } from '../../src/produce/types';
import { compactJson } from '../../src/core/jsonSource';
import { editorContentOf, envelopeOf } from '../../src/webview/tailDetails';
import { jumpIn } from '../../src/webview/tailJump';

function message(partition: number, offset: number, value: string, topic = 'orders'): TailMessage {
  return { topic, partition, offset: String(offset), timestamp: 1_700_000_000_000 + offset, timestampType: 'CreateTime', key: null, value, headers: [], size: value.length };
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

const messages = (items: (SourceMessage | SourceIssue)[]): SourceMessage[] => items.filter((i): i is SourceMessage => 'message' in i && !('kind' in i));

describe('tail details: copy as envelope (to produce the message again)', () => {
  const base = { keyEncoding: 'text' as const, valueEncoding: 'text' as const, headers: [] };

  it('compacts JSON without parsing it: the same as JSON.stringify of the parsed value, big numbers exact', () => {
    for (const text of ['{ "a" : [ 1, 2 , {"b":null} ], "c" : "x , y : { z }" }', '[\n  1,\n  "two"\n]', '{"q":"say \\"hi\\",  \\\\", "e":"\\u00e9"}', '{}']) {
      assert.equal(compactJson(text), JSON.stringify(JSON.parse(text)).replace('é', '\\u00e9'), text);
    }
    assert.equal(compactJson('{ "id" : 12345678901234567890 }'), '{"id":12345678901234567890}');
  });

  it('writes key, value and headers as one JSONL line that the produce parser reads back as the same message', () => {
    const cases = [
      { ...base, key: 'order-1', value: '{\n  "id": 12345678901234567890,\n  "status": "paid"\n}', headers: headerList({ source: 'tail', 'correlation-id': 'c-1' }) },
      { ...base, key: null, value: 'plain text, "quoted"' },
      { ...base, key: 'gone', value: null },
      { ...base, key: 'k', value: '42' },
    ];
    const lines = cases.map((m) => envelopeOf(m));
    assert.deepEqual(lines, [
      '{"key":"order-1","value":{"id":12345678901234567890,"status":"paid"},"headers":{"source":"tail","correlation-id":"c-1"}}',
      '{"value":"plain text, \\"quoted\\""}',
      '{"key":"gone","value":null}',
      '{"key":"k","value":"42"}',
    ]);
    const parsed = messages(parseText(lines.join('\n'), 'jsonl', { envelope: 'auto' })).map((m) => m.message);
    assert.deepEqual(parsed.map((m) => [m.key, m.value, m.headers]), [
      ['order-1', '{"id":12345678901234567890,"status":"paid"}', headerList({ source: 'tail', 'correlation-id': 'c-1' })],
      [undefined, 'plain text, "quoted"', undefined],
      ['gone', null, undefined],
      ['k', '42', undefined],
    ]);
  });

  it('writes a binary key or value as base64 with its encoding, which the parser reads back as the same bytes', () => {
    const binaryValue = envelopeOf({ ...base, key: 'k', value: '3q2+7w==', valueEncoding: 'base64' });
    const binaryKey = envelopeOf({ ...base, key: 'AAE=', keyEncoding: 'base64', value: 'v' });
    assert.equal(binaryValue, '{"key":"k","value":"3q2+7w==","valueEncoding":"base64"}');
    assert.equal(binaryKey, '{"key":"AAE=","keyEncoding":"base64","value":"v"}');
    const parsed = messages(parseText(`${binaryValue}\n${binaryKey}`, 'jsonl', { envelope: 'auto' })).map((m) => m.message);
    assert.deepEqual(parsed, [
      { key: 'k', value: '3q2+7w==', valueEncoding: 'base64' },
      { key: 'AAE=', keyEncoding: 'base64', value: 'v' },
    ]);
  });
});
