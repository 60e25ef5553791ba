import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ClusterDefinition, ProduceOptions, TailMessage } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { compileContract } from '../../src/produce/contracts';
import { type PipelineOptions, type ProduceSummary, producePipeline } from '../../src/produce/pipeline';
import { parseText, type ShapeOptions } from '../../src/produce/shapes';
import { fileLines, jsonlItems } from '../../src/produce/source';
import { TemplateContext } from '../../src/produce/templates';
import type { ProduceShape, SourceIssue, SourceMessage } from '../../src/produce/types';
import { DEFAULT_KAFKA_VERSION, type KafkaCluster } from '../harness/kafkaCluster';
import { kcatConsume, kcatProduce } from '../harness/kcat';
import { makeTempDir, removeDir, waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

function uniqueTopic(label: string): string {
  return `it-prod-${label}-${randomUUID().slice(0, 8)}`;
}

describe(`Producing from files against a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let admin: ReturnType<Kafka['admin']>;
  let dir: string;
  const auto: ShapeOptions = { envelope: 'auto' };

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    const definition: ClusterDefinition = { id: randomUUID(), name: 'it', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') };
    client = new KafkaClusterClient(definition, { logger: silentLogger, requestTimeoutMs: 30_000 });
    admin = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    dir = makeTempDir('produce-it');
  });

  after(async () => {
    await admin?.disconnect();
    await client?.dispose();
    removeDir(dir);
  });

  async function topicWith(label: string, partitions = 1): Promise<string> {
    const topic = uniqueTopic(label);
    await client.createTopic({ name: topic, partitions, replicationFactor: 1 });
    return topic;
  }

  function run(
    topic: string,
    source: Iterable<SourceMessage | SourceIssue> | AsyncIterable<SourceMessage | SourceIssue>,
    options: ProduceOptions = {},
    extra: Partial<PipelineOptions> = {},
    partitions = 1,
  ): Promise<ProduceSummary> {
    return producePipeline(source, topic, (messages) => client.produce(topic, messages, options), {
      batchSize: 2000,
      maxInFlight: 4,
      partitionCount: partitions,
      partitionForKey: keyPartitioner(partitions),
      ...extra,
    });
  }

  const shapes: [string, ProduceShape, string, string[]][] = [
    ['text', 'text', 'hello\nworld ✓', ['hello\nworld ✓']],
    ['object', 'json', '{\n  "id": 1\n}', ['{\n  "id": 1\n}']],
    ['array', 'json', '[{"id": 1}, {"id": 2}, "three"]', ['{"id": 1}', '{"id": 2}', '"three"']],
    ['jsonl', 'jsonl', '{"id":1}\n\n{"id":2}\n{"id":3}\n', ['{"id":1}', '{"id":2}', '{"id":3}']],
  ];
  for (const [label, shape, text, expected] of shapes) {
    it(`round-trips the ${label} shape: kcat reads exactly the messages, in order`, async () => {
      const topic = await topicWith(label);
      const summary = await run(topic, parseText(text, shape, auto));
      assert.equal(summary.sent, expected.length);
      assert.deepEqual(summary.ranges, [{ partition: 0, first: '0', last: String(expected.length - 1), count: expected.length }]);
      const records = await kcatConsume(cluster.bootstrapServers, topic, { count: expected.length });
      assert.deepEqual(records.map((r) => r.value), expected);
    });
  }

  it('writes envelope keys, headers, partitions and timestamps that kcat reads back', async () => {
    const topic = await topicWith('envelope', 3);
    const text = [
      '{"key": "k-1", "value": {"n": 1}, "headers": {"source": "file", "n": 1}, "partition": 2, "timestamp": 1700000000000}',
      '{"key": "k-2", "value": "plain", "partition": 1}',
    ].join('\n');
    const summary = await run(topic, parseText(text, 'jsonl', auto), {}, {}, 3);
    assert.deepEqual(summary.ranges.map((r) => [r.partition, r.count]), [[1, 1], [2, 1]]);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 2 });
    const byKey = new Map(records.map((r) => [r.key, r]));
    assert.deepEqual(
      [byKey.get('k-1')?.value, byKey.get('k-1')?.partition, byKey.get('k-1')?.headers, byKey.get('k-1')?.timestampMs],
      ['{"n":1}', 2, { source: 'file', n: '1' }, 1700000000000],
    );
    assert.deepEqual([byKey.get('k-2')?.value, byKey.get('k-2')?.partition], ['plain', 1]);
    // The reported ranges are where kcat finds the messages.
    for (const r of records) {
      assert.equal(String(r.offset), summary.ranges.find((range) => range.partition === r.partition)?.last);
    }
  });

  it('fails a message for a partition the topic does not have at its line, and sends the others', async () => {
    const topic = await topicWith('nopartition', 2);
    const text = ['{"value": "a", "partition": 1}', '{"value": "b", "partition": 7}', '{"value": "c", "partition": 0}'].join('\n');
    const summary = await run(topic, parseText(text, 'jsonl', auto), {}, {}, 2);
    assert.deepEqual([summary.sent, summary.failed, summary.failures[0]?.line], [2, 1, 1]);
    assert.equal(summary.failures[0].reason, 'Partition 7 does not exist: the topic has 2 partitions (0 to 1).');
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 3, exitAtEnd: true });
    assert.deepEqual(records.map((r) => [r.value, r.partition]).sort(), [['a', 1], ['c', 0]]);
  });

  it('puts keyed messages where Kafka\'s default partitioner would (kcat consumes them at the computed partitions)', async () => {
    const topic = await topicWith('keyed', 4);
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const summary = await run(topic, parseText(keys.map((k) => JSON.stringify({ key: k, value: k })).join('\n'), 'jsonl', auto), {}, {}, 4);
    assert.equal(summary.sent, 20);
    const partitionFor = keyPartitioner(4);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 20 });
    assert.equal(records.length, 20);
    for (const r of records) {
      assert.equal(r.partition, partitionFor(r.key!), `key ${r.key}`);
    }
  });

  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`compresses with ${compression}: kcat decodes it, and the tail decodes what kcat compresses`, async () => {
      const topic = await topicWith(compression);
      const values = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, text: 'repetitive '.repeat(20) }));
      const summary = await run(topic, parseText(values.join('\n'), 'jsonl', auto), { compression });
      assert.equal(summary.sent, 50);
      const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 50 });
      assert.deepEqual(records.map((r) => r.value), values);

      await kcatProduce(cluster.bootstrapServers, topic, [{ value: 'from kcat 1' }, { value: 'from kcat 2' }], { compression });
      const seen: TailMessage[] = [];
      const session = await client.startTail({ topics: [topic], fromBeginning: true }, { onMessages: (b) => seen.push(...b), onState: () => undefined });
      try {
        await waitUntil(() => seen.length >= 52, { timeoutMs: 30_000, what: `52 ${compression} messages in the tail` });
        assert.deepEqual(seen.slice(50).map((m) => m.value), ['from kcat 1', 'from kcat 2']);
      } finally {
        await session.stop();
      }
    });
  }

  it('sends with acks=1 and with an idempotent producer', async () => {
    const topic = await topicWith('acks');
    const a = await run(topic, parseText('{"a":1}\n{"a":2}', 'jsonl', auto), { acks: 1 });
    const b = await run(topic, parseText('{"b":1}\n{"b":2}', 'jsonl', auto), { idempotent: true }, { maxInFlight: 1 });
    assert.deepEqual([a.sent, b.sent, b.ranges[0]?.first, b.ranges[0]?.last], [2, 2, '2', '3']);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 4 });
    assert.equal(records.length, 4);
  });

  it('a template produces distinct values', async () => {
    const topic = await topicWith('template');
    const templates = new TemplateContext();
    const text = '{"key": "{{uuid}}", "value": {"id": "{{uuid}}", "n": "{{seq}}", "name": "{{name}}"}}';
    const items = Array.from({ length: 20 }, () => parseText(text, 'json', { envelope: 'auto', templates })).flat();
    assert.equal((await run(topic, items)).sent, 20);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 20 });
    const values = records.map((r) => JSON.parse(r.value!) as { id: string; n: number });
    assert.equal(new Set(values.map((v) => v.id)).size, 20);
    assert.equal(new Set(records.map((r) => r.key)).size, 20);
    assert.deepEqual(values.map((v) => v.n), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('a schema-invalid line is reported at its line and not sent; the others are', async () => {
    const topic = await topicWith('contract');
    const validate = compileContract({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }, 'order.schema.json');
    const text = '{"id": 1}\n{"id": "two"}\n{"id": 3}\n';
    const summary = await run(topic, parseText(text, 'jsonl', auto), {}, {
      reject: (m) => validate(m.parsedValue),
    });
    assert.deepEqual([summary.sent, summary.failed, summary.rejected], [2, 1, 1]);
    assert.equal(summary.failures[0].line, 1);
    assert.match(summary.failures[0].reason, /order\.schema\.json: \/id must be integer/);
    // Read everything the topic holds (-e): the rejected line must not be there.
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 3, exitAtEnd: true });
    assert.deepEqual(records.map((r) => r.value), ['{"id": 1}', '{"id": 3}']);
  });

  it('a message above max.message.bytes fails at its line while the rest of its batch is sent', async () => {
    const topic = uniqueTopic('toolarge');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2000' }] }], waitForLeaders: true });
    const big = JSON.stringify({ blob: 'x'.repeat(5000) });
    const text = ['{"a":1}', big, '{"a":3}'].join('\n');
    const summary = await run(topic, parseText(text, 'jsonl', auto), {}, {
      isPerMessageError: (e) => /larger than|too large/i.test(String(e)),
    });
    assert.deepEqual([summary.sent, summary.failed, summary.failures[0]?.line], [2, 1, 1]);
    assert.match(summary.failures[0].reason, /max\.message\.bytes/);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 3, exitAtEnd: true });
    assert.deepEqual(records.map((r) => r.value), ['{"a":1}', '{"a":3}']);
  });

  it('a topic that does not exist stops the run with a clear sentence and sends nothing', async () => {
    const topic = uniqueTopic('missing');
    const summary = await run(topic, parseText('{"a":1}', 'jsonl', auto));
    assert.equal(summary.sent, 0);
    assert.match(summary.stoppedBy ?? '', /does not exist/);
  });

  it('produces a 100,000-line file completely, with exact counts and offset ranges', async function () {
    this.timeout(180_000);
    const topic = await topicWith('large', 3);
    const file = path.join(dir, 'large.jsonl');
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"i":${i},"pad":"${'p'.repeat(40)}"}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const summary = await run(topic, jsonlItems(fileLines(file), auto), {}, {}, 3);
    assert.deepEqual([summary.sent, summary.failed, summary.cancelled], [100_000, 0, false]);
    assert.equal(summary.ranges.reduce((n, r) => n + r.count, 0), 100_000);
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const range of summary.ranges) {
      assert.equal(offsets.find((o) => o.partition === range.partition)?.high, String(Number(range.last) + 1));
    }
    assert.equal(offsets.reduce((n, o) => n + Number(o.high), 0), 100_000);
  });

  it('cancelling mid-file stops cleanly, and the count it reports is what kcat reads', async function () {
    this.timeout(120_000);
    const topic = await topicWith('cancel', 2);
    const file = path.join(dir, 'cancel.jsonl');
    fs.writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `{"i":${i}}`).join('\n'));
    let progressSent = 0;
    const summary = await run(topic, jsonlItems(fileLines(file), auto), {}, {
      batchSize: 1000,
      onProgress: ({ sent }) => (progressSent = sent),
      isCancelled: () => progressSent >= 5000,
    }, 2);
    assert.equal(summary.cancelled, true);
    assert.ok(summary.sent >= 5000 && summary.sent < 20_000, `sent ${summary.sent}`);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 20_000, exitAtEnd: true, timeoutMs: 60_000 });
    assert.equal(records.length, summary.sent);
    assert.equal(summary.ranges.reduce((n, r) => n + r.count, 0), summary.sent);
  });
});
