import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { ClusterDefinition, TailMessage, TailState } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { BrokerOperationError } from '../../src/core/errors';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { TAIL_GROUP_PREFIX } from '../../src/brokers/kafka/tail/tailSession';
import { DEFAULT_KAFKA_VERSION, type KafkaCluster } from '../harness/kafkaCluster';
import { kcatConsume, kcatProduce } from '../harness/kcat';
import { getFreePort } from '../harness/ports';
import { waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

function definition(servers: string, name = 'it'): ClusterDefinition {
  return { id: randomUUID(), name, kind: 'kafka', bootstrapServers: servers.split(',') };
}

function uniqueTopic(label: string): string {
  return `it-${label}-${randomUUID().slice(0, 8)}`;
}

/** Collects what a tail delivers, so tests can wait on conditions instead of time. */
class Recorder {
  readonly messages: TailMessage[] = [];
  readonly states: TailState[] = [];
  onMessages = (batch: TailMessage[]): void => {
    this.messages.push(...batch);
  };
  onState = (state: TailState): void => {
    this.states.push(state);
  };
}

describe(`Kafka client against a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let independent: Kafka;

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    client = new KafkaClusterClient(definition(cluster.bootstrapServers), { logger: silentLogger });
    independent = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await client?.dispose();
  });

  it('creates a topic with the asked partitions and lists it, sorted, with its partition count', async () => {
    const names = [uniqueTopic('b'), uniqueTopic('a')];
    await client.createTopic({ name: names[0], partitions: 3, replicationFactor: 1 });
    await client.createTopic({ name: names[1], partitions: 1, replicationFactor: 1 });

    const listed = await client.listTopics();
    const mine = listed.filter((t) => names.includes(t.name));
    assert.deepEqual(
      mine.map((t) => [t.name, t.partitionCount]),
      [...names].sort().map((n) => [n, n === names[0] ? 3 : 1]),
    );
    const sorted = [...listed].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(listed, sorted);

    const admin = independent.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [names[0]] });
      assert.equal(metadata.topics[0].partitions.length, 3);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses an existing topic, an invalid name and a replication factor above the broker count', async () => {
    const name = uniqueTopic('dup');
    await client.createTopic({ name, partitions: 1, replicationFactor: 1 });
    await assert.rejects(client.createTopic({ name, partitions: 1, replicationFactor: 1 }), {
      message: `Cannot create topic: a topic named "${name}" already exists.`,
    });
    await assert.rejects(client.createTopic({ name: 'bad name!', partitions: 1, replicationFactor: 1 }), {
      message: 'Cannot create topic: A topic name may contain only letters, digits, ".", "_" and "-"; found space, "!".',
    });
    await assert.rejects(
      client.createTopic({ name: uniqueTopic('rf'), partitions: 1, replicationFactor: 3 }),
      (error: unknown) =>
        error instanceof BrokerOperationError && /replication factor is larger than the number of available brokers/.test(error.message),
    );
  });

  it('produces a message that kcat reads back at the reported partition and offset', async () => {
    const topic = uniqueTopic('produce');
    await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    const value = JSON.stringify({ orderId: 42, note: 'ünïcödé ✓' });
    const [result] = await client.produce(topic, [{ key: 'order-42', value, headers: { 'content-type': 'application/json' }, partition: 1 }]);
    assert.equal(result.partition, 1);
    assert.equal(result.offset, '0');

    const [record] = await kcatConsume(cluster.bootstrapServers, topic, { count: 1 });
    assert.equal(record.value, value);
    assert.equal(record.key, 'order-42');
    assert.equal(record.partition, 1);
    assert.equal(record.offset, 0);
    assert.deepEqual(record.headers, { 'content-type': 'application/json' });
  });

  it('tails what kcat produces, from the end, and leaves no consumer group behind', async () => {
    const topic = uniqueTopic('tail');
    await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    await kcatProduce(cluster.bootstrapServers, topic, [{ key: 'before', value: 'not shown', partition: 0 }]);

    const recorder = new Recorder();
    const session = await client.startTail({ topics: [topic], fromBeginning: false }, recorder);
    await waitUntil(() => recorder.states.includes('running'), { timeoutMs: 30_000, what: 'the tail to join' });
    await kcatProduce(cluster.bootstrapServers, topic, [
      { key: 'k1', value: 'one', headers: { trace: 'a' }, partition: 0 },
      { key: 'k2', value: 'two', partition: 1 },
      { value: 'three', partition: 1 },
    ]);
    await waitUntil(() => recorder.messages.length >= 3, { timeoutMs: 30_000, what: 'three tailed messages' });

    const seen = [...recorder.messages]
      .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))
      .map((m) => [m.partition, m.offset, m.key, m.value, m.headers]);
    assert.deepEqual(seen, [
      [0, '1', 'k1', 'one', [{ name: 'trace', value: { text: 'a', encoding: 'text' } }]],
      [1, '0', 'k2', 'two', []],
      [1, '1', null, 'three', []],
    ]);

    const admin = independent.admin();
    await admin.connect();
    try {
      const groupId = (session as unknown as { groupId: string }).groupId;
      assert.ok(groupId.startsWith(TAIL_GROUP_PREFIX));
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert.deepEqual(committed[0].partitions.map((p) => p.offset), ['-1', '-1'], 'the tail committed offsets');
      await session.stop();
      const { groups } = await admin.listGroups();
      assert.equal(groups.some((g) => g.groupId === groupId), false, 'the tail group is still on the cluster');
    } finally {
      await admin.disconnect();
    }
    assert.equal(recorder.states.at(-1), 'stopped');
  });

  it('tails from the beginning when asked', async () => {
    const topic = uniqueTopic('replay');
    await client.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    await client.produce(topic, [{ value: 'a' }, { value: 'b' }]);
    const recorder = new Recorder();
    const session = await client.startTail({ topics: [topic], fromBeginning: true }, recorder);
    try {
      await waitUntil(() => recorder.messages.length >= 2, { timeoutMs: 30_000, what: 'two replayed messages' });
      assert.deepEqual(recorder.messages.map((m) => [m.offset, m.value]), [['0', 'a'], ['1', 'b']]);
    } finally {
      await session.stop();
    }
  });

  it('fails fast with a clear sentence when the broker is unreachable', async () => {
    const closedPort = await getFreePort();
    const unreachable = new KafkaClusterClient(definition(`127.0.0.1:${closedPort}`, 'nowhere'), {
      logger: silentLogger,
      requestTimeoutMs: 8_000,
    });
    const started = Date.now();
    try {
      await assert.rejects(unreachable.listTopics(), {
        message: `Listing topics failed: connection to 127.0.0.1:${closedPort} was refused. Is the broker running on that port?`,
      });
      assert.ok(Date.now() - started < 8_000, 'the failure should come before the request timeout');
    } finally {
      await unreachable.dispose();
    }
  });
});
