import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32c } from '../../src/brokers/kafka/produce/crc32c';
import { BATCH_HEADER_SIZE, RecordBatchBuilder, rebuildBatch, recordSpans, withCompressedRecords } from '../../src/brokers/kafka/produce/recordBatch';
import { SCAN_MAYBE_ENVELOPE, SCAN_NON_ASCII, SCAN_TEMPLATE, SCAN_TOO_DEEP, SCAN_VALID, scanJson } from '../../src/produce/jsonScan';
import { isEnvelope } from '../../src/produce/envelope';

/* eslint-disable @typescript-eslint/no-require-imports */
// kafkajs' own implementations are the references: its CRC-32C and the record batch decoder its consumer uses.
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (buf: Buffer) => number;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<DecodedBatch>;
const { lookupCodec } = require('kafkajs/src/protocol/message/compression') as { lookupCodec: (type: number) => { compress(e: { buffer: Buffer }): Promise<Buffer> } };
/* eslint-enable @typescript-eslint/no-require-imports */

interface DecodedBatch {
  firstTimestamp: string;
  maxTimestamp: string;
  lastOffsetDelta: number;
  producerId: string;
  records: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]>; timestamp: string; offset: string }[];
}

const decode = (batch: Buffer): Promise<DecodedBatch> => decodeRecordBatch(new KafkajsDecoder(batch));

describe('produce bulk: CRC-32C', () => {
  it('gives the known check values (RFC 3720 and the CRC catalogue)', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
  });

  it('agrees with kafkajs on random data at every alignment and length, and continues in pieces', () => {
    const data = randomBytes(3000);
    for (let start = 0; start < 12; start++) {
      for (let end = start; end <= data.length; end += 37) {
        assert.equal(crc32c(data, start, end), kafkajsCrc32c(data.subarray(start, end)), `[${start}, ${end})`);
        // The same bytes seen through a view that starts elsewhere in memory.
        assert.equal(crc32c(data.subarray(start), 0, end - start), kafkajsCrc32c(data.subarray(start, end)));
      }
    }
    assert.equal(crc32c(data, 1000, data.length, crc32c(data, 0, 1000)), crc32c(data));
  });
});

describe('produce bulk: record batches', () => {
  it('round-trips values, keys, headers, timestamps and offsets through kafkajs\' decoder', async () => {
    const builder = new RecordBatchBuilder(100);
    const sizes = [0, 1, 63, 64, 127, 128, 8191, 8192, 20_000];
    const src = Buffer.from('x'.repeat(30_000));
    const t0 = 1_700_000_000_000;
    for (const size of sizes) {
      builder.addValue(src, 5, 5 + size, t0);
    }
    builder.add(Buffer.from('k-é'), Buffer.from('{"v":1}'), [[Buffer.from('source'), Buffer.from('file')], [Buffer.from('n'), Buffer.from('1')], [Buffer.from('n'), Buffer.from('2')]], t0 - 86_400_000);
    builder.add(null, Buffer.from('late'), undefined, t0 + 5_000);
    builder.add(Buffer.alloc(0), Buffer.from('empty key'), [], 0);
    builder.add(Buffer.from('gone'), null, undefined, t0);
    const batch = builder.finish();
    assert.equal(batch.readUInt32BE(17), kafkajsCrc32c(batch.subarray(21)), 'checksum');
    assert.equal(batch.readInt32BE(8), batch.length - 12, 'batch length');
    const decoded = await decode(batch);
    assert.equal(decoded.records.length, sizes.length + 4);
    assert.equal(decoded.lastOffsetDelta, sizes.length + 3);
    assert.equal(decoded.producerId, '-1');
    assert.equal(decoded.firstTimestamp, String(t0));
    assert.equal(decoded.maxTimestamp, String(t0 + 5_000));
    decoded.records.slice(0, sizes.length).forEach((r, i) => {
      assert.equal(r.value?.length, sizes[i]);
      assert.equal(r.key, null);
      assert.deepEqual(r.headers, {});
      assert.equal(r.timestamp, String(t0));
      assert.equal(r.offset, String(i));
    });
    const [keyed, late, emptyKey, tombstone] = decoded.records.slice(sizes.length);
    assert.deepEqual([tombstone.key?.toString(), tombstone.value], ['gone', null], 'a null value (tombstone)');
    assert.equal(keyed.key?.toString(), 'k-é');
    assert.equal(keyed.value?.toString(), '{"v":1}');
    assert.deepEqual(Object.fromEntries(Object.entries(keyed.headers).map(([k, v]) => [k, String(v)])), { source: 'file', n: '1,2' });
    assert.equal(keyed.timestamp, String(t0 - 86_400_000), 'a timestamp before the first record (negative delta)');
    assert.deepEqual([late.key, late.value?.toString(), late.timestamp], [null, 'late', String(t0 + 5_000)]);
    assert.deepEqual([emptyKey.key?.length, emptyKey.timestamp], [0, '0']);
  });

  it('numbers many records (multi-byte offset deltas) and grows its buffer', async () => {
    const builder = new RecordBatchBuilder(64);
    for (let i = 0; i < 20_000; i++) {
      builder.addValue(Buffer.from(`{"i":${i}}`), 0, `{"i":${i}}`.length, 1000 + (i % 3));
    }
    const decoded = await decode(builder.finish());
    assert.equal(decoded.records.length, 20_000);
    assert.deepEqual(
      [decoded.records[16_383].offset, decoded.records[16_383].value?.toString(), decoded.records[19_999].timestamp, decoded.maxTimestamp],
      ['16383', '{"i":16383}', String(1000 + (19_999 % 3)), '1002'],
    );
  });

  it('rebuilds a subset of its records, and compresses the records with a kafkajs codec', async () => {
    const builder = new RecordBatchBuilder(256);
    for (let i = 0; i < 10; i++) {
      builder.add(i % 2 ? Buffer.from(`k${i}`) : null, Buffer.from(`v${i}`.repeat(i + 1)), i === 3 ? [[Buffer.from('h'), Buffer.from('3')]] : undefined, 5000 + i);
    }
    const batch = builder.finish();
    const spans = recordSpans(batch);
    const subset = await decode(rebuildBatch(batch, spans.slice(3, 7)));
    assert.deepEqual(
      subset.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString(), r.timestamp]),
      [3, 4, 5, 6].map((i, n) => [String(n), i % 2 ? `k${i}` : null, `v${i}`.repeat(i + 1), String(5000 + i)]),
    );
    assert.equal(String(subset.records[0].headers.h), '3');
    const gzip = 1;
    const compressed = withCompressedRecords(batch, gzip, await lookupCodec(gzip).compress({ buffer: batch.subarray(BATCH_HEADER_SIZE) }));
    assert.equal(compressed.readUInt32BE(17), kafkajsCrc32c(compressed.subarray(21)));
    const decoded = await decode(compressed);
    assert.deepEqual(decoded.records.map((r) => r.value?.toString()), Array.from({ length: 10 }, (_, i) => `v${i}`.repeat(i + 1)));
  });
});

describe('produce bulk: the byte-level JSON validator', () => {
  const verdict = (text: string): number => {
    const bytes = Buffer.from(text);
    return scanJson(bytes, 0, bytes.length);
  };
  const parses = (text: string): boolean => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };

  it('accepts exactly what JSON.parse accepts, on hand-picked and on random texts', () => {
    const samples = [
      '{"a":1}', '[1,2,3]', '"x"', '-0.5e+10', 'true', 'null', 'false', '0', '-0', '1E5', ' \t{ "a" : [ ] , "b" : { } }\r ',
      '"\\u00e9\\n\\/\\b\\f\\r\\t\\"\\\\"', '"\\ud800"', '{"a":"é ✓ 😀"}', '[[[[]]]]', '{"a":{"b":{"c":[1,{"d":null}]}}}',
      '{"a":1,}', '[1,]', '[01]', '1.', '.5', '-', '1e', '+1', 'tru', 'nul', 'True', '"a', '"\\x"', '"\\u12"', '"\t"', '{a:1}',
      "{'a':1}", '{"a" 1}', '{"a":1}}', '[1] [2]', '', ' ', '{"a":1} x', 'NaN', 'Infinity', '"\\u00"', '[,1]', '{,}', '{"a":1 "b":2}',
    ];
    for (const text of samples) {
      assert.equal((verdict(text) & SCAN_VALID) !== 0, parses(text), JSON.stringify(text));
    }
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E', ' ', '\t', 't', 'r', 'f', 'a', 'l', 's', 'n', '\u0001', 'é', '"value"', '"k"', 'true', 'null', '1e', '0.', '\\u12', '\\"'];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let n = 0; n < 100_000; n++) {
      let text = '';
      for (let k = random(12); k > 0; k--) {
        text += pieces[random(pieces.length)];
      }
      if (n % 2 === 1) {
        // Mutations of valid JSON find the near misses.
        const base = samples[random(16)];
        const at = random(base.length + 1);
        text = base.slice(0, at) + text.slice(0, 2) + base.slice(at + random(2));
      }
      assert.equal((verdict(text) & SCAN_VALID) !== 0, parses(text), JSON.stringify(text));
    }
  });

  it('flags possible envelopes, non-ASCII text, placeholders and deep nesting', () => {
    for (const text of ['{"value":1}', '{"key":"k","value":2,"headers":{},"partition":0,"timestamp":1}', '{"va\\u006cue":1}', '{"key":"k"}']) {
      assert.ok(verdict(text) & SCAN_MAYBE_ENVELOPE, text);
    }
    for (const text of ['{"value":1,"other":2}', '[{"value":1}]', '{"a":{"value":1}}', '{}', '"value"']) {
      assert.equal(verdict(text) & SCAN_MAYBE_ENVELOPE, 0, text);
      assert.equal(isEnvelope(JSON.parse(text)), false);
    }
    assert.ok(verdict('{"a":"é"}') & SCAN_NON_ASCII);
    assert.equal(verdict('{"a":"e"}') & SCAN_NON_ASCII, 0);
    assert.ok(verdict('{"a":"{{seq}}"}') & SCAN_TEMPLATE);
    assert.equal(verdict('{"a":"{ {"}') & SCAN_TEMPLATE, 0);
    const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
    assert.equal(verdict(deep), SCAN_TOO_DEEP);
    assert.equal(verdict(`${'['.repeat(200)}${']'.repeat(200)}`) & SCAN_VALID, SCAN_VALID);
  });
});
