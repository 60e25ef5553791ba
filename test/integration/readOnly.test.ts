import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { Capabilities, requireCapability } from '../../src/core/brokerCapabilities';
import { type ClusterDefinition, type TailMessage, silentLogger } from '../../src/core/brokerClient';
import { mayWrite } from '../../src/core/capabilities';
import { readOnlyClient } from '../../src/connections/readOnlyClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { produceJsonlFile } from '../../src/produce/bulkPipeline';
import { isPerMessageSendError } from '../../src/produce/pipeline';
import { DEFAULT_KAFKA_VERSION } from '../harness/kafkaCluster';
import { kcatProduce } from '../harness/kcat';
import { makeTempDir, removeDir, waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

const REFUSED = /^"read-only prod" is read-only: .+ is not allowed\. Use "Toggle Read-Only"/;

/**
 * The read-only guard on a real broker: every capability member declared a write is refused
 * (the large-file bulk path and conversations included) and the topic's offsets show that nothing
 * was written; reads, and a broadcast tail, still work through the same guarded client.
 */
describe(`Read-only clusters against a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let admin: Admin;
  let inner: KafkaClusterClient;
  let dir: string;
  let topic: string;
  let group: string;

  before(async function () {
    this.timeout(240_000);
    const cluster = await sharedCluster();
    const definition: ClusterDefinition = {
      id: randomUUID(),
      name: 'read-only prod',
      kind: 'kafka',
      bootstrapServers: cluster.bootstrapServers.split(','),
      readOnly: true,
    };
    inner = new KafkaClusterClient(definition, { logger: silentLogger, requestTimeoutMs: 20_000 });
    admin = new Kafka({ brokers: definition.bootstrapServers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    topic = `it-ro-${randomUUID().slice(0, 8)}`;
    group = `it-ro-group-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    // Two records and a committed group, so purge, reset and delete would each change something.
    await kcatProduce(cluster.bootstrapServers, topic, [
      { key: 'a', value: '1', partition: 0 },
      { key: 'b', value: '2', partition: 1 },
    ]);
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '1' }] });
    dir = makeTempDir('readonly');
  });

  after(async () => {
    await inner?.dispose();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    removeDir(dir);
  });

  async function state(): Promise<string> {
    const offsets = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const configs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false });
    return JSON.stringify({
      offsets: offsets.map((o) => `${o.partition}:${o.low}-${o.high}`).sort(),
      committed: committed[0].partitions.map((p) => `${p.partition}:${p.offset}`).sort(),
      retention: configs.resources[0].configEntries.map((e) => e.configValue),
      topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)).sort(),
      groups: (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g === group),
    });
  }

  it('refuses every declared write of every capability and leaves the broker as it was', async () => {
    const client = readOnlyClient(inner, inner.definition);
    const before = await state();
    const file = path.join(dir, 'large.jsonl');
    fs.writeFileSync(file, `${Array.from({ length: 30_000 }, (_, i) => `{"i":${i}}`).join('\n')}\n`);

    const topics = requireCapability(client, Capabilities.topicAdmin);
    const groups = requireCapability(client, Capabilities.groupAdmin);
    const attempts: [string, () => Promise<unknown>][] = [
      ['createTopic', () => topics.createTopic({ name: `${topic}-new`, partitions: 1, replicationFactor: 1 })],
      ['deleteTopics', () => topics.deleteTopics([topic])],
      ['addPartitions', () => topics.addPartitions(topic, 4)],
      ['setTopicConfig', () => topics.setTopicConfig(topic, 'retention.ms', '1000')],
      ['purgeTopic', () => topics.purgeTopic(topic)],
      ['deleteConsumerGroup', () => groups.deleteConsumerGroup(group)],
      [
        'applyOffsetReset',
        async () => groups.applyOffsetReset(await groups.planOffsetReset(group, topic, { kind: 'earliest' })),
      ],
      ['produce', () => requireCapability(client, Capabilities.produce).produce(topic, [{ value: 'never' }])],
      [
        'bulk path',
        async () => {
          const sender = await requireCapability(client, Capabilities.bulkProduce).openBulkSender(topic, {});
          return produceJsonlFile(file, topic, sender, {
            batchSize: 500,
            maxInFlight: 4,
            partitionCount: 2,
            partitionForKey: keyPartitioner(2),
            isPerMessageError: isPerMessageSendError,
            shape: { envelope: 'auto', defaults: {} },
          });
        },
      ],
      ['conversations send', () => requireCapability(client, Capabilities.conversations).send(topic, [{ value: 'request' }])],
      [
        'shared-group tail',
        () => requireCapability(client, Capabilities.tail).startTail({ topics: [topic], fromBeginning: true, group }, { onMessages: () => undefined, onState: () => undefined }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      await assert.rejects(attempt(), (error: Error) => REFUSED.test(error.message), what);
    }
    assert.equal(await state(), before, 'nothing on the broker changed');
    // Every capability that declares a write was tried above.
    const tried = new Set(['topicAdmin', 'groupAdmin', 'produce', 'bulkProduce', 'conversations', 'tail']);
    assert.deepEqual(
      Object.values(Capabilities).filter((c) => mayWrite(c) && inner.capabilityIds().includes(c.id)).map((c) => c.id).filter((id) => !tried.has(id)),
      [],
      'a write capability of the Kafka client is not covered by this test',
    );
  });

  it('still reads: planning a reset, a broadcast tail that leaves no group, and listening for conversations', async () => {
    const client = readOnlyClient(inner, inner.definition);
    const plan = await requireCapability(client, Capabilities.groupAdmin).planOffsetReset(group, topic, { kind: 'earliest' });
    assert.deepEqual(plan.rows.map((r) => r.next).sort(), ['0', '0']);
    const seen: TailMessage[] = [];
    const session = await requireCapability(client, Capabilities.tail).startTail(
      { topics: [topic], fromBeginning: true },
      { onMessages: (batch) => seen.push(...batch), onState: () => undefined },
    );
    try {
      await waitUntil(() => seen.length === 2, { timeoutMs: 30_000, what: 'the two records in a broadcast tail' });
    } finally {
      await session.stop();
    }
    assert.deepEqual(seen.map((m) => m.value).sort(), ['1', '2']);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    assert.ok(!groups.includes(session.identity.groupId), 'the broadcast tail left its group behind');
    const stream = await requireCapability(client, Capabilities.conversations).listen([topic], () => undefined, { groupPrefix: 'it-ro-listen' });
    await stream.stop();
  });
});
