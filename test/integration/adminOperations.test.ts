import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION, type KafkaCluster } from '../harness/kafkaCluster';
import { kcatProduce } from '../harness/kcat';
import { waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

const unique = (label: string) => `it-admin-${label}-${randomUUID().slice(0, 8)}`;

describe(`Topic and group administration on a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let kafka: Kafka;
  let admin: ReturnType<Kafka['admin']>;

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    client = new KafkaClusterClient(
      { id: randomUUID(), name: 'admin-it', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger },
    );
    kafka = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await client?.dispose();
  });

  /** Runs `check` while a real consumer (client id `clientId`) is a joined member of the group. */
  async function whileMember(groupId: string, topic: string, clientId: string, check: () => Promise<void>): Promise<void> {
    const consumer = new Kafka({ brokers: cluster.bootstrapServers.split(','), clientId, logLevel: logLevel.NOTHING }).consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({ eachMessage: () => Promise.resolve() });
    try {
      await waitUntil(() => joined, { timeoutMs: 30_000, what: 'the consumer to join' });
      await check();
    } finally {
      await consumer.disconnect();
    }
  }

  async function fill(topic: string, perPartition: number[]): Promise<void> {
    await kcatProduce(
      cluster.bootstrapServers,
      topic,
      perPartition.flatMap((count, partition) => Array.from({ length: count }, (_, i) => ({ value: `p${partition}-${i}`, partition }))),
    );
  }

  it('creates a topic with configs, and refuses one that exists or a replication factor above the broker count', async () => {
    const name = unique('create');
    await client.createTopic({ name, partitions: 2, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' } });
    const configs = await client.describeTopicConfigs(name);
    assert.deepEqual(
      configs.filter((c) => c.origin === 'topic').map((c) => [c.name, c.value]),
      [['cleanup.policy', 'compact'], ['retention.ms', '60000']],
    );
    await assert.rejects(client.createTopic({ name, partitions: 1, replicationFactor: 1 }), /already exists/);
    await assert.rejects(client.createTopic({ name: unique('rf'), partitions: 1, replicationFactor: 3 }), {
      message: /replication factor is larger than the number of available brokers \(3 > 1\)/,
    });
  });

  it('deletes several topics at once, and deletes none when one name does not exist', async () => {
    const names = [unique('del-a'), unique('del-b')];
    for (const name of names) {
      await client.createTopic({ name, partitions: 1, replicationFactor: 1 });
    }
    await assert.rejects(client.deleteTopics([names[0], 'no-such-topic-xyz']), /Nothing was deleted: "no-such-topic-xyz" does not exist/);
    assert.ok((await admin.listTopics()).includes(names[0]), 'a topic was deleted although the request was refused');
    await client.deleteTopics(names);
    await waitUntil(async () => !(await admin.listTopics()).some((t) => names.includes(t)), { timeoutMs: 20_000, what: 'both topics to be gone' });
  });

  it('adds partitions, and refuses to lower or keep the count', async () => {
    const name = unique('parts');
    await client.createTopic({ name, partitions: 2, replicationFactor: 1 });
    await client.addPartitions(name, 4);
    await waitUntil(async () => (await admin.fetchTopicMetadata({ topics: [name] })).topics[0].partitions.length === 4, {
      timeoutMs: 20_000,
      what: '4 partitions',
    });
    await assert.rejects(client.addPartitions(name, 3), /has 4 partitions; the new count must be larger/);
  });

  it('changes and resets one config while keeping the other overrides, and explains an invalid value', async () => {
    const name = unique('config');
    await client.createTopic({ name, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    await client.setTopicConfig(name, 'max.message.bytes', '2000000');
    const overrides = async () =>
      (await client.describeTopicConfigs(name)).filter((c) => c.origin === 'topic').map((c) => `${c.name}=${c.value}`);
    assert.deepEqual(await overrides(), ['max.message.bytes=2000000', 'retention.ms=60000']);
    await client.setTopicConfig(name, 'retention.ms', undefined);
    assert.deepEqual(await overrides(), ['max.message.bytes=2000000']);
    // The broker's own reason is kept beside the sentence.
    await assert.rejects(client.setTopicConfig(name, 'retention.ms', 'soon'), (error: Error) => {
      assert.match(error.message, /^Setting retention\.ms of ".*" failed: a configuration value is invalid \(.*soon.*retention\.ms.*\)\.$/);
      return true;
    });
    await assert.rejects(client.setTopicConfig(name, 'no.such.config', '1'), /"no\.such\.config" is not a topic config Kafka knows/);
    assert.deepEqual(await overrides(), ['max.message.bytes=2000000'], 'a refused change altered the topic');
  });

  it('changes only the one config: concurrent changes from two clients to other configs all stay', async () => {
    const name = unique('config-race');
    await client.createTopic({ name, partitions: 1, replicationFactor: 1 });
    const other = new KafkaClusterClient(
      { id: randomUUID(), name: 'admin-it-2', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger },
    );
    try {
      const changes: [KafkaClusterClient, string, string][] = [
        [client, 'retention.ms', '3600000'],
        [other, 'max.message.bytes', '2000000'],
        [client, 'segment.ms', '7200000'],
        [other, 'cleanup.policy', 'compact'],
        [client, 'min.insync.replicas', '1'],
        [other, 'retention.bytes', '1000000'],
      ];
      await Promise.all(changes.map(([c, config, value]) => c.setTopicConfig(name, config, value)));
      const overrides = (await client.describeTopicConfigs(name)).filter((c) => c.origin === 'topic').map((c) => `${c.name}=${c.value}`);
      assert.deepEqual(overrides, changes.map(([, config, value]) => `${config}=${value}`).sort());
    } finally {
      await other.dispose();
    }
  });

  it('purges records before an offset on one partition, and everything', async () => {
    const name = unique('purge');
    await client.createTopic({ name, partitions: 2, replicationFactor: 1 });
    await fill(name, [5, 3]);
    await client.purgeTopic(name, [{ partition: 0, offset: '3' }]);
    const lows = async () => (await admin.fetchTopicOffsets(name)).sort((a, b) => a.partition - b.partition).map((o) => o.low);
    assert.deepEqual(await lows(), ['3', '0']);
    await client.purgeTopic(name);
    assert.deepEqual(await lows(), ['5', '3']);
  });

  it('deletes a group only without members, naming the members otherwise', async () => {
    const name = unique('group-topic');
    const groupId = unique('group');
    await client.createTopic({ name, partitions: 1, replicationFactor: 1 });
    await whileMember(groupId, name, 'admin-it-member', () =>
      assert.rejects(client.deleteConsumerGroup(groupId), /still has 1 active member\(s\): admin-it-member on .*Stop them first/),
    );
    await client.deleteConsumerGroup(groupId);
    assert.equal((await admin.listGroups()).groups.some((g) => g.groupId === groupId), false);
  });

  it('previews and applies an offset reset exactly as previewed (earliest, latest, exact, timestamp)', async () => {
    const name = unique('reset');
    const groupId = unique('reset-group');
    await client.createTopic({ name, partitions: 2, replicationFactor: 1 });
    await fill(name, [10, 4]);
    await admin.setOffsets({ groupId, topic: name, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '4' }] });

    const plan = await client.planOffsetReset(groupId, name, { kind: 'earliest' });
    assert.deepEqual(plan.rows, [
      { partition: 0, current: '4', next: '0', lagBefore: '6', lagAfter: '10' },
      { partition: 1, current: '4', next: '0', lagBefore: '0', lagAfter: '4' },
    ]);
    await client.applyOffsetReset(plan);
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [name] }))[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    assert.deepEqual(await committed(), ['0', '0']);

    const exact = await client.planOffsetReset(groupId, name, { kind: 'offset', offset: '7' }, [0]);
    assert.deepEqual(exact.rows.map((r) => [r.partition, r.next, r.lagAfter]), [[0, '7', '3']]);
    await client.applyOffsetReset(exact);
    assert.deepEqual(await committed(), ['7', '0']);

    const latest = await client.planOffsetReset(groupId, name, { kind: 'latest' });
    assert.deepEqual(latest.rows.map((r) => r.next), ['10', '4']);
    const future = await client.planOffsetReset(groupId, name, { kind: 'timestamp', timestamp: Date.now() + 3_600_000 });
    assert.deepEqual(future.rows.map((r) => r.next), ['10', '4'], 'a future timestamp resolves to the end');
  });

  it('applying a preview after a consumer joined the group fails as a whole and changes nothing', async () => {
    const name = unique('reset-late');
    const groupId = unique('late-group');
    await client.createTopic({ name, partitions: 2, replicationFactor: 1 });
    await fill(name, [3, 2]);
    // Committed at the end: the member that joins below has nothing to consume, so commits nothing.
    await admin.setOffsets({ groupId, topic: name, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '2' }] });
    const plan = await client.planOffsetReset(groupId, name, { kind: 'earliest' });
    await whileMember(groupId, name, 'late-member', () =>
      assert.rejects(client.applyOffsetReset(plan), /can only be reset while the group is empty; a consumer joined it after the preview\. Nothing was changed\./),
    );
    const committed = (await admin.fetchOffsets({ groupId, topics: [name] }))[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    assert.deepEqual(committed, ['3', '2']);
  });

  it('refuses to reset the offsets of a group with members', async () => {
    const name = unique('reset-busy');
    const groupId = unique('busy-group');
    await client.createTopic({ name, partitions: 1, replicationFactor: 1 });
    await whileMember(groupId, name, 'busy-member', () =>
      assert.rejects(client.planOffsetReset(groupId, name, { kind: 'earliest' }), /can only be reset while the group is empty; active: busy-member/),
    );
  });
});
