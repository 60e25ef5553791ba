import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ProduceOptions } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { type BulkPipelineOptions, produceJsonlFile } from '../../src/produce/bulkPipeline';
import { type ProduceSummary, isPerMessageSendError, producePipeline } from '../../src/produce/pipeline';
import { fileLines, jsonlItems } from '../../src/produce/source';
import { DEFAULT_KAFKA_VERSION, type KafkaCluster } from '../harness/kafkaCluster';
import { type KcatRecord, kcatConsume } from '../harness/kcat';
import { getFreePort } from '../harness/ports';
import { makeTempDir, removeDir } from '../harness/util';
import { sharedCluster } from './sharedCluster';

/** Records by partition, each in offset order. */
function byPartition(records: KcatRecord[]): Map<number, KcatRecord[]> {
  const out = new Map<number, KcatRecord[]>();
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const list = out.get(r.partition) ?? [];
    out.set(r.partition, list);
    list.push(r);
  }
  return out;
}

describe(`Producing large files by the bulk path against a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let admin: ReturnType<Kafka['admin']>;
  let dir: string;

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    client = new KafkaClusterClient(
      { id: randomUUID(), name: 'bulk', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger, requestTimeoutMs: 30_000 },
    );
    admin = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    dir = makeTempDir('produce-bulk-it');
  });

  after(async () => {
    await admin?.disconnect();
    await client?.dispose();
    removeDir(dir);
  });

  async function topicWith(label: string, partitions = 1): Promise<string> {
    const topic = `it-bulk-${label}-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: topic, partitions, replicationFactor: 1 });
    return topic;
  }

  function write(name: string, lines: string[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  function options(partitions: number, extra: Partial<BulkPipelineOptions>): BulkPipelineOptions {
    return {
      batchSize: 2000,
      maxInFlight: 4,
      partitionCount: partitions,
      partitionForKey: keyPartitioner(partitions),
      isPerMessageError: isPerMessageSendError,
      shape: { envelope: 'auto' },
      ...extra,
    };
  }

  async function bulk(topic: string, file: string, partitions = 1, extra: Partial<BulkPipelineOptions> = {}, produce: ProduceOptions = {}): Promise<ProduceSummary> {
    const sender = client.bulkProducer(topic, produce);
    try {
      return await produceJsonlFile(file, topic, sender, options(partitions, extra));
    } finally {
      await sender.close();
    }
  }

  it('produces a 100,000-line file completely: exact counts and ranges, values byte for byte and in order per partition', async function () {
    this.timeout(180_000);
    const topic = await topicWith('large', 3);
    // Escapes, and 2-, 3- and 4-byte UTF-8 characters written as they are.
    const text = (i: number) => (i % 7 === 0 ? '\\u00e9 \\"q\\"' : i % 7 === 1 ? `é ✓ 😀 ${i}` : 'p'.repeat(i % 50));
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"i":${i},"text":"${text(i)}"}`);
    const summary = await bulk(topic, write('large.jsonl', lines), 3);
    assert.deepEqual([summary.sent, summary.failed, summary.cancelled, summary.stoppedBy], [100_000, 0, false, undefined]);
    // Keyless: 2,000 lines per batch, one partition per batch, rotating (as producePipeline does).
    const expected = new Map<number, string[]>([0, 1, 2].map((p) => [p, []]));
    lines.forEach((line, i) => expected.get(Math.floor(i / 2000) % 3)!.push(line));
    assert.deepEqual(
      summary.ranges,
      [0, 1, 2].map((p) => ({ partition: p, first: '0', last: String(expected.get(p)!.length - 1), count: expected.get(p)!.length })),
    );
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 100_000, timeoutMs: 120_000 });
    const read = byPartition(records);
    for (const [partition, values] of expected) {
      assert.deepEqual(read.get(partition)?.map((r) => r.value), values, `partition ${partition}`);
    }
  });

  it('writes envelope keys, headers, partitions and timestamps, and keyed lines where murmur2 puts them', async () => {
    const topic = await topicWith('envelope', 4);
    const lines = [
      '{"key": "k-1", "value": {"n": 1}, "headers": {"source": "file", "n": 1}, "partition": 2, "timestamp": 1700000000000}',
      '{"plain": true, "text": "é ✓ 😀"}',
      '{"key": "big", "value": {"id": 12345678901234567890, "ratio": 1.0}}',
      ...Array.from({ length: 20 }, (_, i) => JSON.stringify({ key: `key-${i}`, value: `v-${i}`, headers: { i: String(i) } })),
    ];
    const summary = await bulk(topic, write('envelope.jsonl', lines), 4);
    assert.deepEqual([summary.sent, summary.failed], [23, 0]);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 23 });
    const byKey = new Map(records.map((r) => [r.key, r]));
    assert.equal(byKey.get('big')?.value, '{"id":12345678901234567890,"ratio":1.0}', 'a 64-bit id is sent as written');
    const first = byKey.get('k-1')!;
    assert.deepEqual([first.value, first.partition, first.headers, first.timestampMs], ['{"n":1}', 2, { source: 'file', n: '1' }, 1700000000000]);
    assert.deepEqual(records.filter((r) => r.key === null).map((r) => [r.value, r.partition]), [['{"plain": true, "text": "é ✓ 😀"}', 0]]);
    const partitionFor = keyPartitioner(4);
    for (let i = 0; i < 20; i++) {
      const r = byKey.get(`key-${i}`)!;
      assert.deepEqual([r.value, r.partition, r.headers], [`v-${i}`, partitionFor(`key-${i}`), { i: String(i) }]);
    }
  });

  it('fails a line for a partition the topic does not have at its line, and sends the others', async () => {
    const topic = await topicWith('nopartition', 2);
    const lines = Array.from({ length: 3000 }, (_, i) => (i === 1500 ? '{"value": "x", "partition": 7}' : `{"value": "v${i}", "partition": ${i % 2}}`));
    const summary = await bulk(topic, write('nopartition.jsonl', lines), 2);
    assert.deepEqual([summary.sent, summary.failed, summary.failures[0]?.line], [2999, 1, 1500]);
    assert.equal(summary.failures[0].reason, 'Partition 7 does not exist: the topic has 2 partitions (0 to 1).');
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 3000, exitAtEnd: true, timeoutMs: 60_000 });
    const read = byPartition(records);
    for (const p of [0, 1]) {
      const expected = lines.filter((_, i) => i !== 1500 && i % 2 === p).map((l) => (JSON.parse(l) as { value: string }).value);
      assert.deepEqual(read.get(p)?.map((r) => r.value), expected, `partition ${p}`);
    }
  });

  it('writes tombstones ("value": null) on both paths; kcat reads null values under their keys', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 10 === 3 ? `{"key":"k-${i}","value":null}` : `{"key":"k-${i}","value":{"i":${i}}}`));
    const file = write('tombstones.jsonl', lines);
    const [viaBulk, viaLines] = await Promise.all([topicWith('tomb-bulk', 2), topicWith('tomb-lines', 2)]);
    const bulkSummary = await bulk(viaBulk, file, 2);
    const lineSummary = await producePipeline(jsonlItems(fileLines(file), { envelope: 'auto' }), viaLines, (m) => client.produce(viaLines, m), options(2, {}));
    for (const [topic, summary] of [[viaBulk, bulkSummary], [viaLines, lineSummary]] as const) {
      assert.deepEqual([summary.sent, summary.failed], [2000, 0], topic);
      const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 2001, exitAtEnd: true, timeoutMs: 60_000 });
      const nulls = records.filter((r) => r.value === null).map((r) => r.key).sort();
      assert.deepEqual(nulls, lines.filter((l) => l.endsWith('null}')).map((l) => (JSON.parse(l) as { key: string }).key).sort(), topic);
      assert.equal(records.length, 2000, topic);
    }
  });

  it('reports a malformed line at its line and column and sends all the others', async () => {
    const topic = await topicWith('malformed');
    const lines = Array.from({ length: 10_000 }, (_, i) => (i === 5000 ? '  {"i": 5000,, "x": 1}' : `{"i":${i}}`));
    const summary = await bulk(topic, write('malformed.jsonl', lines));
    assert.deepEqual([summary.sent, summary.failed], [9_999, 1]);
    assert.deepEqual([summary.failures[0].line, summary.failures[0].column], [5000, 13]);
    assert.match(summary.failures[0].reason, /^Malformed JSON/);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 9_999, timeoutMs: 60_000 });
    assert.deepEqual(records.map((r) => r.value), lines.filter((_, i) => i !== 5000));
  });

  it('cancelling mid-file stops reading, and the count it reports is what kcat reads', async function () {
    this.timeout(120_000);
    const topic = await topicWith('cancel', 2);
    const file = write('cancel.jsonl', Array.from({ length: 200_000 }, (_, i) => `{"i":${i},"pad":"${'p'.repeat(40)}"}`));
    let progressSent = 0;
    const summary = await bulk(topic, file, 2, {
      maxInFlight: 2,
      onProgress: ({ sent }) => (progressSent = sent),
      isCancelled: () => progressSent >= 20_000,
    });
    assert.equal(summary.cancelled, true);
    assert.ok(summary.sent >= 20_000 && summary.sent < 200_000, `sent ${summary.sent}`);
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(offsets.reduce((n, o) => n + Number(o.high), 0), summary.sent);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: summary.sent, timeoutMs: 60_000 });
    assert.equal(records.length, summary.sent);
    assert.equal(summary.ranges.reduce((n, r) => n + r.count, 0), summary.sent);
  });

  it('gives the same summary as the line-by-line path for the same file, and the same messages in each partition', async function () {
    this.timeout(120_000);
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      i % 997 === 3
        ? '{"broken": '
        : i % 101 === 5
          ? JSON.stringify({ key: `k${i % 17}`, value: { i }, headers: { h: `${i}` } })
          : i % 1000 === 999
            ? '// a comment'
            : `{"i":${i},"name":"n${'\\u00e9'.repeat(i % 3)}"}`,
    );
    const file = write('same.jsonl', lines);
    const [ordinaryTopic, bulkTopic] = await Promise.all([topicWith('same-lines', 3), topicWith('same-bulk', 3)]);
    const base = options(3, { batchSize: 500 });
    const ordinary = await producePipeline(jsonlItems(fileLines(file), { envelope: 'auto' }), ordinaryTopic, (m) => client.produce(ordinaryTopic, m), base);
    const bulkSummary = await bulk(bulkTopic, file, 3, { batchSize: 500 });
    // Everything but the topic name in `first`.
    assert.deepEqual({ ...bulkSummary, first: { ...bulkSummary.first, topic: '' } }, { ...ordinary, first: { ...ordinary.first, topic: '' } });
    assert.equal(bulkSummary.failed, 31);
    const [a, b] = await Promise.all(
      [ordinaryTopic, bulkTopic].map((t) => kcatConsume(cluster.bootstrapServers, t, { count: ordinary.sent, timeoutMs: 60_000 })),
    );
    // The line-by-line path may write two of its batches to a partition out of order (kafkajs
    // prepares concurrent sends asynchronously); the bulk path keeps the file's order.
    const contents = (rs: KcatRecord[] | undefined) => (rs ?? []).map((r) => JSON.stringify([r.key, r.value, r.headers])).sort();
    const [pa, pb] = [byPartition(a), byPartition(b)];
    for (const p of [0, 1, 2]) {
      assert.deepEqual(contents(pb.get(p)), contents(pa.get(p)), `partition ${p}`);
      const order = (pb.get(p) ?? []).map((r) => (JSON.parse(r.value!) as { i: number }).i);
      assert.deepEqual(order, [...order].sort((x, y) => x - y), `file order in partition ${p}`);
    }
  });

  it('a message above max.message.bytes fails at its line; the rest of its request is sent, later requests fit', async () => {
    const topic = `it-bulk-toolarge-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '4000' }] }], waitForLeaders: true });
    const lines = Array.from({ length: 3000 }, (_, i) => (i === 1234 ? JSON.stringify({ blob: 'x'.repeat(5000) }) : `{"a":${i}}`));
    const summary = await bulk(topic, write('toolarge.jsonl', lines));
    assert.deepEqual([summary.sent, summary.failed, summary.failures[0]?.line], [2999, 1, 1234]);
    assert.match(summary.failures[0].reason, /max\.message\.bytes/);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 2999, timeoutMs: 60_000 });
    assert.deepEqual(records.map((r) => r.value), lines.filter((_, i) => i !== 1234));
  });

  it('a topic that does not exist stops the run with the sentence of the ordinary path and sends nothing', async function () {
    this.timeout(60_000);
    const topic = `it-bulk-missing-${randomUUID().slice(0, 8)}`;
    const summary = await bulk(topic, write('missing.jsonl', ['{"a":1}', '{"a":2}']));
    assert.equal(summary.sent, 0);
    assert.equal(summary.stoppedBy, `Producing to "${topic}" failed: the topic does not exist on this cluster.`);
  });

  it('a message over the topic\'s max.message.bytes fails on both paths with its size and the limit; the others are sent', async function () {
    this.timeout(90_000);
    const topic = `it-bulk-size-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '2000' } });
    const file = write('size.jsonl', ['{"value":"small-1"}', JSON.stringify({ value: 'x'.repeat(5000) }), '{"value":"small-2"}']);
    const viaBulk = await bulk(topic, file);
    const viaLines = await producePipeline(jsonlItems(fileLines(file), { envelope: 'auto' }), topic, (m) => client.produce(topic, m), options(1, {}));
    assert.deepEqual([viaBulk.sent, viaBulk.failed, viaLines.sent, viaLines.failed], [2, 1, 2, 1]);
    assert.match(
      viaBulk.failures[0]?.reason ?? '',
      new RegExp(`^Producing to "${topic}" failed: the message is 5,\\d{3} bytes as a record batch, larger than max\\.message\\.bytes of topic "${topic}": 2,000 bytes \\(set on the topic\\)\\. Make the message smaller`),
    );
    // The per-message path also writes its own record batches (exact outcomes), so it words the size the same way.
    assert.match(
      viaLines.failures[0]?.reason ?? '',
      new RegExp(`^Producing to "${topic}" failed: the message is 5,\\d{3} bytes as a record batch, larger than max\\.message\\.bytes of topic "${topic}": 2,000 bytes \\(set on the topic\\)\\. Make the message smaller`),
    );
    // kafkajs' (idempotent) producer gives the message's own size.
    await assert.rejects(
      client.produce(topic, [{ value: 'x'.repeat(5000) }], { idempotent: true }),
      new RegExp(`failed: the message is 5,000 bytes, larger than max\\.message\\.bytes of topic "${topic}": 2,000 bytes \\(set on the topic\\)`),
    );
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 4, exitAtEnd: true });
    assert.deepEqual(records.map((r) => r.value), ['small-1', 'small-2', 'small-1', 'small-2']);
  });

  it('a broker that is not running stops both paths with "connection refused" and what to check, nothing counted as sent', async function () {
    this.timeout(90_000);
    const port = await getFreePort();
    const down = new KafkaClusterClient(
      { id: randomUUID(), name: 'down', kind: 'kafka', bootstrapServers: [`127.0.0.1:${port}`] },
      { logger: silentLogger, requestTimeoutMs: 5_000 },
    );
    try {
      const file = write('down.jsonl', Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`));
      const topic = `it-bulk-down-${randomUUID().slice(0, 8)}`;
      const sender = down.bulkProducer(topic);
      const viaBulk = await produceJsonlFile(file, topic, sender, options(1, {})).finally(() => sender.close());
      const viaLines = await producePipeline(jsonlItems(fileLines(file), { envelope: 'auto' }), topic, (m) => down.produce(topic, m), options(1, {}));
      for (const summary of [viaBulk, viaLines]) {
        assert.deepEqual([summary.sent, summary.ranges], [0, []]);
        assert.equal(
          summary.stoppedBy,
          `Producing to "${topic}" failed: connection to 127.0.0.1:${port} was refused. Is the broker running on that port?`,
        );
      }
    } finally {
      await down.dispose();
    }
  });

  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`compresses with ${compression}: kcat decodes what the bulk path wrote`, async () => {
      const topic = await topicWith(`bulk-${compression}`);
      const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, text: 'repetitive '.repeat(20) }));
      const summary = await bulk(topic, write(`${compression}.jsonl`, lines), 1, {}, { compression });
      assert.equal(summary.sent, 500);
      const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 500 });
      assert.deepEqual(records.map((r) => r.value), lines);
    });
  }

  it('sends with acks=1 (offsets) and acks=0 (no offsets, every message written)', async () => {
    const topic = await topicWith('acks');
    const file = write('acks.jsonl', Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`));
    const one = await bulk(topic, file, 1, {}, { acks: 1 });
    assert.deepEqual(one.ranges, [{ partition: 0, first: '0', last: '999', count: 1000 }]);
    const none = await bulk(topic, file, 1, {}, { acks: 0 });
    assert.deepEqual([none.sent, none.ranges], [1000, []]);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 2000, timeoutMs: 60_000 });
    assert.equal(records.length, 2000);
  });
});
