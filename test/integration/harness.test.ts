import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { kcatConsume, kcatListTopics, kcatProduce } from '../harness/kcat';

function kafkaVia(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'harness-test', brokers, logLevel: logLevel.NOTHING });
}

/** Broker ids one node reports, asking only that node. */
async function brokerIdsSeenBy(port: number): Promise<number[]> {
  const admin = kafkaVia([`127.0.0.1:${port}`]).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

describe(`Kafka test harness (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  this.timeout(120_000);

  describe('a single node', function () {
    let cluster: KafkaCluster | undefined;

    before(async function () {
      this.timeout(180_000);
      cluster = await KafkaCluster.start({ nodes: 1 });
    });

    after(async function () {
      await cluster?.stop();
    });

    function bootstrap(): string {
      assert.ok(cluster, 'cluster did not start');
      return cluster.bootstrapServers;
    }

    it('round-trips keyed messages with headers through kcat', async function () {
      const topic = `harness-${randomUUID()}`;
      const admin = kafkaVia(bootstrap().split(',')).admin();
      await admin.connect();
      try {
        assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }), true);
      } finally {
        await admin.disconnect();
      }
      assert.ok((await kcatListTopics(bootstrap())).includes(topic));

      await kcatProduce(bootstrap(), topic, [
        { key: 'k1', value: 'first', headers: { source: 'harness', n: '1' }, partition: 0 },
        { key: 'k2', value: 'second\nwith a newline', headers: { source: 'harness', n: '2' }, partition: 1 },
        { key: 'k3', value: '{"third":true}', headers: { source: 'harness', n: '3' }, partition: 1 },
      ]);

      const records = await kcatConsume(bootstrap(), topic, { count: 3, timeoutMs: 30_000 });
      const byKey = [...records].sort((a, b) => String(a.key).localeCompare(String(b.key)));
      assert.deepEqual(
        byKey.map(({ topic: t, partition, offset, key, value, headers }) => ({
          t,
          partition,
          offset,
          key,
          value,
          headers,
        })),
        [
          { t: topic, partition: 0, offset: 0, key: 'k1', value: 'first', headers: { source: 'harness', n: '1' } },
          {
            t: topic,
            partition: 1,
            offset: 0,
            key: 'k2',
            value: 'second\nwith a newline',
            headers: { source: 'harness', n: '2' },
          },
          {
            t: topic,
            partition: 1,
            offset: 1,
            key: 'k3',
            value: '{"third":true}',
            headers: { source: 'harness', n: '3' },
          },
        ],
      );
      for (const r of records) {
        assert.ok(Math.abs(Date.now() - r.timestampMs) < 60_000, `timestamp ${r.timestampMs} is recent`);
      }
    });

    it('reads a value of multibyte characters larger than one pipe chunk through kcat intact', async function () {
      const topic = `harness-${randomUUID()}`;
      const admin = kafkaVia(bootstrap().split(',')).admin();
      await admin.connect();
      try {
        assert.equal(await admin.createTopics({ topics: [{ topic }], waitForLeaders: true }), true);
      } finally {
        await admin.disconnect();
      }
      // 9 bytes per repeat, about 270 KB: kcat's stdout arrives in 64 KB chunks that end inside a character.
      const value = 'ü€😀'.repeat(30_000);
      await kcatProduce(bootstrap(), topic, [{ value }]);
      const [record] = await kcatConsume(bootstrap(), topic, { count: 1 });
      assert.equal(record.value?.length, value.length);
      assert.ok(record.value === value, 'the value read differs from the value written');
    });

    it('lets kafkajs produce what kcat reads, and consume what kcat wrote', async function () {
      const topic = `harness-${randomUUID()}`;
      const kafka = kafkaVia(bootstrap().split(','));
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      await admin.disconnect();

      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'from-kafkajs', value: 'hello', headers: { h: 'x' } }] });
      await producer.disconnect();
      await kcatProduce(bootstrap(), topic, [{ key: 'from-kcat', value: 'world' }], { compression: 'gzip' });

      const viaKcat = await kcatConsume(bootstrap(), topic, { count: 2 });
      assert.deepEqual(
        viaKcat.map((r) => [r.key, r.value, r.headers]),
        [
          ['from-kafkajs', 'hello', { h: 'x' }],
          ['from-kcat', 'world', {}],
        ],
      );

      const consumer = kafka.consumer({ groupId: `harness-${randomUUID()}` });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        const seen: string[] = [];
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              // kafkajs expects a promise; nothing here needs to await.
              eachMessage: ({ message }) => {
                seen.push(`${String(message.key)}=${String(message.value)}`);
                if (seen.length === 2) {
                  resolve();
                }
                return Promise.resolve();
              },
            })
            .catch(reject);
        });
        assert.deepEqual(seen, ['from-kafkajs=hello', 'from-kcat=world']);
      } finally {
        await consumer.disconnect();
      }
    });
  });

  describe('three nodes', function () {
    let cluster: KafkaCluster | undefined;

    before(async function () {
      this.timeout(180_000);
      cluster = await KafkaCluster.start({ nodes: 3 });
    });

    after(async function () {
      await cluster?.stop();
    });

    function started(): KafkaCluster {
      assert.ok(cluster, 'cluster did not start');
      return cluster;
    }

    it('forms one cluster that every node reports in full', async function () {
      const c = started();
      assert.equal(c.nodes.length, 3);
      assert.equal(c.bootstrapServers, c.nodes.map((n) => `127.0.0.1:${n.port}`).join(','));
      for (const node of c.nodes) {
        assert.deepEqual(await brokerIdsSeenBy(node.port), [1, 2, 3], `as seen by node ${node.id}`);
      }
    });

    it('drops a stopped node from metadata and brings it back on restart', async function () {
      const c = started();
      await c.stopNode(2);
      assert.deepEqual(c.liveNodeIds(), [1, 3]);
      for (const id of [1, 3]) {
        assert.deepEqual(await brokerIdsSeenBy(c.nodes[id - 1].port), [1, 3], `as seen by node ${id}`);
      }

      await c.startNode(2);
      for (const node of c.nodes) {
        assert.deepEqual(await brokerIdsSeenBy(node.port), [1, 2, 3], `as seen by node ${node.id}`);
      }
    });
  });
});
