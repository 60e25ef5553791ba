import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { produceJsonlFile } from '../../src/produce/bulkPipeline';
import { isPerMessageSendError, type ProduceSummary, producePipeline } from '../../src/produce/pipeline';
import { fileLines, jsonlItems } from '../../src/produce/source';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { kcatConsume } from '../harness/kcat';
import { makeTempDir, removeDir } from '../harness/util';

const ALICE = { name: 'alice', password: 'alice-secret-42' };
const BOB = { name: 'bob', password: 'bob-secret-17' };
const DENIED =
  /^Producing to "[^"]+" failed: you are not authorized to use this topic\. Ask the cluster's administrator for an ACL on it \(WRITE to produce, READ to consume, DESCRIBE to inspect\), or connect as another user/;

/**
 * A broker that enforces ACLs (StandardAuthorizer): alice may write the test's topic, bob has no
 * ACL at all. Producing as bob must stop with the authorization sentence and write nothing.
 */
describe(`Producing without authorization, against a real broker with ACLs (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster | undefined;
  let dir: string;
  let topic: string;
  let file: string;
  const lines = Array.from({ length: 3000 }, (_, i) => `{"i":${i}}`);
  const clients: KafkaClusterClient[] = [];

  before(async function () {
    this.timeout(240_000);
    dir = makeTempDir('acl');
    cluster = await KafkaCluster.start({ security: { saslUsers: [ALICE, BOB], authorizer: true } });
    topic = `it-acl-${randomUUID().slice(0, 8)}`;
    // The PLAINTEXT listener's principal is a super user: it creates the topic and grants alice.
    const admin = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      await admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: topic,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: `User:${ALICE.name}`,
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    file = path.join(dir, 'lines.jsonl');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(clients.map((c) => c.dispose()));
    await cluster?.stop();
    removeDir(dir);
  });

  function as(user: { name: string; password: string }): KafkaClusterClient {
    assert.ok(cluster);
    const client = new KafkaClusterClient(
      { id: randomUUID(), name: user.name, kind: 'kafka', bootstrapServers: cluster.securedBootstrap('sasl').split(','), sasl: { mechanism: 'scram-sha-256', username: user.name } },
      { logger: silentLogger, requestTimeoutMs: 8_000, secrets: () => Promise.resolve({ password: user.password }) },
    );
    clients.push(client);
    return client;
  }

  const options = {
    batchSize: 500,
    maxInFlight: 4,
    partitionCount: 2,
    partitionForKey: keyPartitioner(2),
    isPerMessageError: isPerMessageSendError,
  };

  function perMessage(client: KafkaClusterClient): Promise<ProduceSummary> {
    return producePipeline(jsonlItems(fileLines(file), { envelope: 'auto' }), topic, (m) => client.produce(topic, m), options);
  }

  async function bulk(client: KafkaClusterClient): Promise<ProduceSummary> {
    const sender = client.bulkProducer(topic);
    try {
      return await produceJsonlFile(file, topic, sender, { ...options, shape: { envelope: 'auto' } });
    } finally {
      await sender.close();
    }
  }

  async function written(): Promise<number> {
    assert.ok(cluster);
    return (await kcatConsume(cluster.bootstrapServers, topic, { count: 2 * lines.length + 1, exitAtEnd: true, timeoutMs: 60_000 })).length;
  }

  for (const [label, send] of [
    ['the per-message path', perMessage],
    ['the bulk path', bulk],
  ] as const) {
    it(`${label} stops with "not authorized" and what to do, and writes nothing`, async function () {
      this.timeout(60_000);
      const summary = await send(as(BOB));
      assert.equal(summary.sent, 0);
      assert.match(summary.stoppedBy ?? '', DENIED);
      assert.equal(await written(), 0);
    });
  }

  it('a user granted WRITE sends the same file on both paths (the denial above was the ACL)', async function () {
    this.timeout(60_000);
    const alice = as(ALICE);
    assert.deepEqual([(await perMessage(alice)).sent, (await bulk(alice)).sent], [lines.length, lines.length]);
    assert.equal(await written(), 2 * lines.length);
  });
});
