import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { kcatProduce } from '../harness/kcat';
import { waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

function clientFor(servers: string): KafkaClusterClient {
  return new KafkaClusterClient(
    { id: randomUUID(), name: 'inspector', kind: 'kafka', bootstrapServers: servers.split(',') },
    { logger: silentLogger },
  );
}

const unique = (label: string) => `it-${label}-${randomUUID().slice(0, 8)}`;

describe(`Explorer data from a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let kafka: Kafka;

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    client = clientFor(cluster.bootstrapServers);
    kafka = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
  });

  after(async () => client?.dispose());

  it('describes partitions with leader, replicas, ISR, watermarks and exact message counts', async () => {
    const topic = unique('parts');
    await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    await kcatProduce(cluster.bootstrapServers, topic, [
      ...Array.from({ length: 5 }, (_, i) => ({ value: `a${i}`, partition: 0 })),
      ...Array.from({ length: 2 }, (_, i) => ({ value: `b${i}`, partition: 1 })),
    ]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      // deleteTopicRecords looks up partition leaders in metadata the admin must have loaded.
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
    } finally {
      await admin.disconnect();
    }
    const described = await client.describeTopic(topic);
    const id = cluster.nodes[0].id;
    assert.deepEqual(described.partitions, [
      { partition: 0, leader: id, replicas: [id], isr: [id], offlineReplicas: [], earliest: '2', latest: '5', messageCount: '3' },
      { partition: 1, leader: id, replicas: [id], isr: [id], offlineReplicas: [], earliest: '0', latest: '2', messageCount: '2' },
    ]);
  });

  it('reads topic configs and tells overrides from defaults', async () => {
    const topic = unique('configs');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    const configs = await client.describeTopicConfigs(topic);
    const retention = configs.find((c) => c.name === 'retention.ms');
    assert.deepEqual(
      retention && { value: retention.value, origin: retention.origin, isDefault: retention.isDefault },
      { value: '3600000', origin: 'topic', isDefault: false },
    );
    const cleanup = configs.find((c) => c.name === 'cleanup.policy');
    assert.ok(cleanup?.isDefault, 'cleanup.policy should be a default');
    assert.notEqual(cleanup.origin, 'topic');
    assert.deepEqual(configs.map((c) => c.name), [...configs.map((c) => c.name)].sort());
  });

  it('shows a consumer group with its member and the exact lag per partition', async () => {
    const topic = unique('lag');
    const groupId = unique('group');
    await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    await kcatProduce(cluster.bootstrapServers, topic, [
      ...Array.from({ length: 5 }, (_, i) => ({ value: `p0-${i}`, partition: 0 })),
      ...Array.from({ length: 4 }, (_, i) => ({ value: `p1-${i}`, partition: 1 })),
    ]);
    // A real consumer reads everything but commits only part: 3 of p0, 1 of p1.
    const consumerKafka = new Kafka({ brokers: cluster.bootstrapServers.split(','), clientId: 'lag-test-client', logLevel: logLevel.NOTHING });
    const consumer = consumerKafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        seen.push(`${partition}:${message.offset}`);
        return Promise.resolve();
      },
    });
    await waitUntil(() => seen.length === 9, { timeoutMs: 30_000, what: 'the consumer to read 9 messages' });
    await consumer.commitOffsets([
      { topic, partition: 0, offset: '3' },
      { topic, partition: 1, offset: '1' },
    ]);
    try {
      const live = await client.describeConsumerGroup(groupId);
      assert.equal(live.state, 'Stable');
      assert.equal(live.members.length, 1);
      assert.equal(live.members[0].clientId, 'lag-test-client');
      assert.deepEqual(live.members[0].assignment, [{ topic, partitions: [0, 1] }]);
      assert.deepEqual(
        live.offsets.map((o) => [o.partition, o.committed, o.end, o.lag]),
        [[0, '3', '5', '2'], [1, '1', '4', '3']],
      );
      assert.equal(live.totalLag, '5');
    } finally {
      await consumer.disconnect();
    }
    const listed = (await client.listConsumerGroups()).find((g) => g.groupId === groupId);
    assert.deepEqual(listed && [listed.state, listed.memberCount, listed.totalLag, listed.protocolType], ['Empty', 0, '5', 'consumer']);
  });
});

describe(`Explorer data from a 3-broker cluster (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster | undefined;
  let client: KafkaClusterClient;

  before(async function () {
    this.timeout(240_000);
    cluster = await KafkaCluster.start({ nodes: 3, brokerConfig: { 'broker.rack': 'rack-a' } });
    client = clientFor(cluster.bootstrapServers);
  });

  after(async function () {
    this.timeout(60_000);
    await client?.dispose();
    await cluster?.stop();
  });

  it('lists 3 brokers with their rack and the controller, a topic with RF 3 in full ISR, and the ISR shrinking when a broker stops', async function () {
    assert.ok(cluster);
    const described = await client.describeCluster();
    assert.deepEqual(described.brokers.map((b) => [b.id, b.host, b.rack]), [
      [1, '127.0.0.1', 'rack-a'],
      [2, '127.0.0.1', 'rack-a'],
      [3, '127.0.0.1', 'rack-a'],
    ]);
    assert.equal(described.brokers.filter((b) => b.isController).length, 1);

    const topic = unique('isr');
    await client.createTopic({ name: topic, partitions: 3, replicationFactor: 3 });
    const full = await client.describeTopic(topic);
    for (const p of full.partitions) {
      assert.deepEqual([p.replicas, p.isr], [[1, 2, 3], [1, 2, 3]]);
    }

    await cluster.stopNode(3);
    const shrunk = await waitUntil(
      async () => {
        const d = await client.describeTopic(topic);
        return d.partitions.every((p) => p.isr.join() === '1,2') ? d : undefined;
      },
      { timeoutMs: 60_000, what: 'the ISR to drop broker 3' },
    );
    for (const p of shrunk.partitions) {
      assert.deepEqual(p.replicas, [1, 2, 3], 'replicas stay assigned');
      assert.ok(p.leader === 1 || p.leader === 2);
    }
    assert.deepEqual((await client.describeCluster()).brokers.map((b) => b.id), [1, 2]);
  });
});
