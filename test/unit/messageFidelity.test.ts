import * as assert from 'node:assert/strict';
import type { KafkaMessage } from 'kafkajs';
import { type MessageHeader, envelopeHeaders, headerPreview } from '../../src/core/message';
import { kafkajsHeaders } from '../../src/brokers/kafka/produce/produceMessages';
import { RecordBatchBuilder } from '../../src/brokers/kafka/produce/recordBatch';
import { orderedHeaders } from '../../src/brokers/kafka/tail/recordHeaders';
import { EnvelopeError, envelopeToMessage, isEnvelope, parseHeaders } from '../../src/produce/envelope';
import { isIssue, parseText } from '../../src/produce/shapes';
import { compileFilter, describeFilter, filterSpecProblem } from '../../src/tail/filters';
import { headersText } from '../../src/webview/tailDetails';

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<{ records: KafkaMessage[] }>;
/* eslint-enable @typescript-eslint/no-require-imports */

const text = (t: string) => ({ text: t, encoding: 'text' as const });
const H = (name: string, value: string | null): MessageHeader => ({ name, value: value === null ? null : text(value) });

/** Records encoded by our batch builder and decoded by kafkajs, as a fetch gives them. */
async function throughKafkajs(records: { key: Buffer | null; value: Buffer | null; headers: [string, Buffer | null][] }[]): Promise<KafkaMessage[]> {
  const builder = new RecordBatchBuilder(1024);
  for (const r of records) {
    builder.add(r.key, r.value, r.headers.map(([n, v]) => [Buffer.from(n), v] as const), 1_700_000_000_000);
  }
  return (await decodeRecordBatch(new KafkajsDecoder(builder.finish()))).records;
}

describe('ordered headers of fetched records (kafkajs decodes them into an object)', () => {
  it('recovers the record order, null values, empty values and integer-like names that kafkajs regroups', async () => {
    const headers: [string, Buffer | null][] = [
      ['a', Buffer.from('1')],
      ['n', null],
      ['b', Buffer.alloc(0)],
      ['a', Buffer.from('2')],
      ['7', Buffer.from([0xff])],
    ];
    const [withValue, tombstone, noAnchor] = await throughKafkajs([
      { key: Buffer.from('k'), value: Buffer.from('v'), headers },
      { key: Buffer.from('k'), value: null, headers },
      { key: null, value: null, headers: [['a', Buffer.from('1')], ['b', Buffer.from('2')]] },
    ]);
    // What kafkajs alone gives: grouped by name, "7" first.
    assert.deepEqual(Object.keys(withValue.headers ?? {}), ['7', 'a', 'n', 'b']);
    for (const m of [withValue, tombstone]) {
      assert.deepEqual(orderedHeaders(m), headers.map(([name, value]) => ({ name, value })));
    }
    // Nothing to anchor on: kafkajs' grouping, which is exact when nothing repeats or reorders.
    assert.deepEqual(orderedHeaders(noAnchor).map((h) => h.name), ['a', 'b']);
  });
});

describe('kafkajs producer headers', () => {
  it('uses kafkajs arrays where they keep the order, and refuses what kafkajs would reorder', () => {
    assert.deepEqual({ ...kafkajsHeaders([H('a', '1'), H('a', '2'), H('b', '')]) }, { a: [Buffer.from('1'), Buffer.from('2')], b: Buffer.alloc(0) });
    // kafkajs throws on a null header value: such a message goes the record-batch way.
    assert.equal(kafkajsHeaders([H('a', '1'), H('a', null)]), undefined);
    assert.equal(kafkajsHeaders([H('a', '1'), H('b', '2'), H('a', '3')]), undefined);
    assert.equal(kafkajsHeaders([H('b', '1'), H('7', '2')]), undefined);
    assert.deepEqual(Object.keys(kafkajsHeaders([H('7', '1'), H('b', '2')]) ?? {}), ['7', 'b']);
  });
});

describe('envelope headers and binary keys and values', () => {
  it('reads headers as an object, a list of pairs, or a list of {name, value}, with null and base64 values', () => {
    assert.deepEqual(parseHeaders({ a: '1', n: null, j: { x: 1 }, b: { base64: '/w==' } }), [
      H('a', '1'),
      H('n', null),
      H('j', '{"x":1}'),
      { name: 'b', value: { text: '/w==', encoding: 'base64' } },
    ]);
    assert.deepEqual(parseHeaders([['a', '1'], ['b', null], ['a', '']]), [H('a', '1'), H('b', null), H('a', '')]);
    assert.deepEqual(parseHeaders([{ name: 'a', value: 'x' }, { name: 'a', value: { base64: 'AA==' } }]), [H('a', 'x'), { name: 'a', value: { text: 'AA==', encoding: 'base64' } }]);
    assert.throws(() => parseHeaders('a=1'), EnvelopeError);
    assert.throws(() => parseHeaders([['a']]), /Header 1: "headers" must be/);
    assert.throws(() => parseHeaders({ a: { base64: 'not base64!' } }), /Header "a": "base64" must be a base64 string/);
  });

  it('keeps keys: missing or null is no key, "" an empty one; base64 keys and values with their encoding', () => {
    assert.equal(envelopeToMessage({ value: 'v' }).message.key, undefined);
    assert.equal(envelopeToMessage({ key: null, value: 'v' }).message.key, undefined);
    assert.equal(envelopeToMessage({ key: '', value: 'v' }).message.key, '');
    assert.deepEqual(envelopeToMessage({ key: 'AP8=', keyEncoding: 'base64', value: '3q0=', valueEncoding: 'base64' }).message, {
      key: 'AP8=',
      keyEncoding: 'base64',
      value: '3q0=',
      valueEncoding: 'base64',
    });
    assert.throws(() => envelopeToMessage({ value: 'x y', valueEncoding: 'base64' }), /"value" must be a base64 string/);
    assert.throws(() => envelopeToMessage({ value: 'v', valueEncoding: 'hex' }), /"valueEncoding" must be "base64"/);
  });

  it('an exported record is an envelope (topic, offset and timestampType are ignored); other objects are values', () => {
    const exported = { topic: 't', partition: 0, offset: '5', timestamp: '2024-01-01T00:00:00.000Z', timestampType: 'CreateTime', key: null, value: 'v', headers: {} };
    assert.equal(isEnvelope(exported), true);
    assert.deepEqual(envelopeToMessage(exported).message, { value: 'v', headers: [], partition: 0, timestamp: String(Date.parse('2024-01-01T00:00:00Z')) });
    assert.equal(isEnvelope({ value: 1, other: 2 }), false);
  });

  it('writes the object form when it is exact, else the ordered list; JSONL lines read back the same (both parsers)', () => {
    const simple = [H('a', '1'), H('n', null), { name: 'b', value: { text: '/w==', encoding: 'base64' as const } }];
    assert.deepEqual(envelopeHeaders(simple), { a: '1', n: null, b: { base64: '/w==' } });
    const repeated = [H('a', '1'), H('b', ''), H('a', '2')];
    assert.deepEqual(envelopeHeaders(repeated), [['a', '1'], ['b', ''], ['a', '2']]);
    assert.deepEqual(envelopeHeaders([H('b', '1'), H('7', '2')]), [['b', '1'], ['7', '2']]);
    assert.equal(envelopeHeaders([]), undefined);
    for (const headers of [simple, repeated]) {
      const line = JSON.stringify({ value: 'v', headers: envelopeHeaders(headers) });
      const [item] = parseText(line, 'jsonl', { envelope: 'auto' });
      assert.ok(!isIssue(item));
      assert.deepEqual(item.message.headers, headers);
    }
  });
});

describe('null and empty, shown and filtered apart', () => {
  const base = { topic: 't', value: 'v', timestamp: 0 };
  const messages = [
    { ...base, key: null, headers: [H('h', null)] },
    { ...base, key: '', headers: [H('h', '')] },
    { ...base, key: 'k', headers: [H('h', 'null'), H('h', 'x')] },
  ];
  const match = (spec: Parameters<typeof compileFilter>[0]) => messages.map(compileFilter(spec)).map(Number).join('');

  it('filters a missing key apart from an empty one, and a header without a value apart from "" and "null"', () => {
    assert.equal(match([{ kind: 'key', is: 'null' }]), '100');
    assert.equal(match([{ kind: 'key', is: 'empty' }]), '010');
    assert.equal(match([{ kind: 'header', name: 'h', isNull: true }]), '100');
    assert.equal(match([{ kind: 'header', name: 'h', value: '' }]), '010');
    assert.equal(match([{ kind: 'header', name: 'h', value: 'null' }]), '001');
    // Any value of a repeated name matches.
    assert.equal(match([{ kind: 'header', name: 'h', value: 'x' }]), '001');
    assert.equal(match([{ kind: 'header', name: 'h' }]), '111');
    assert.equal(describeFilter([{ kind: 'key', is: 'null' }, { kind: 'header', name: 'h', isNull: true }]), 'no key (null) and header h is null');
    assert.match(filterSpecProblem([{ kind: 'header', name: 'h', value: 'x', isNull: true }]) ?? '', /either a value or isNull/);
  });

  it('shows header values so that null, "" and "null" never look alike', () => {
    assert.equal(headersText([H('h', null), H('h', ''), H('h', 'null')]), 'h: null (no value)\nh: ""\nh: "null"');
    assert.deepEqual([H('h', null), H('h', '')].map(headerPreview), ['h (null)', 'h=']);
  });
});
