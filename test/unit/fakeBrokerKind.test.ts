import * as assert from 'node:assert/strict';
import { kafkaKind } from '../../src/brokers/kafka';
import { Capabilities, type MessageProducer, requireCapability, type Tailing } from '../../src/core/brokerCapabilities';
import type { BrokerClient, ClusterDefinition, OutgoingMessage, TailListener, TailMessage } from '../../src/core/brokerClient';
import { type BrokerKindDefinition, BrokerKindRegistry } from '../../src/core/brokerKind';
import { CapabilitySet } from '../../src/core/capabilities';
import { headerList } from '../../src/core/message';
import { readOnlyClient } from '../../src/connections/readOnlyClient';
import { producePipeline } from '../../src/produce/pipeline';
import { parseText } from '../../src/produce/shapes';
import { RecordStore } from '../../src/tail/recordStore';

/**
 * A tiny in-memory broker kind, only for this test: one queue per destination, a producer and a
 * tail. It is added with one registration (the registry's constructor list), and the features
 * (the produce pipeline, the tail's record store, the read-only guard, capability lookup) serve it
 * unchanged: nothing in commands, explorer or webview knows about it.
 */
class FakeBroker {
  readonly queues = new Map<string, TailMessage[]>();
  readonly listeners = new Map<string, TailListener[]>();

  append(destination: string, message: OutgoingMessage): string {
    const queue = this.queues.get(destination) ?? [];
    this.queues.set(destination, queue);
    const stored: TailMessage = {
      topic: destination,
      partition: 0,
      offset: String(queue.length),
      timestamp: 1_700_000_000_000 + queue.length,
      key: message.key ?? null,
      value: message.value,
      timestampType: 'CreateTime',
      headers: headerList(message.headers),
      size: message.value?.length ?? 0,
    };
    queue.push(stored);
    for (const listener of this.listeners.get(destination) ?? []) {
      listener.onMessages([stored]);
    }
    return stored.offset;
  }
}

function fakeClient(definition: ClusterDefinition, broker: FakeBroker): BrokerClient {
  const producer: MessageProducer = {
    produce: (destination, messages) =>
      Promise.resolve(messages.map((m) => ({ topic: destination, partition: 0, offset: broker.append(destination, m) }))),
  };
  const tailing: Tailing = {
    startTail: (options, listener) => {
      for (const destination of options.topics) {
        broker.listeners.set(destination, [...(broker.listeners.get(destination) ?? []), listener]);
        listener.onMessages([...(broker.queues.get(destination) ?? [])]);
      }
      listener.onState('running');
      return Promise.resolve({
        id: 'fake-tail',
        identity: { kind: 'broadcast', groupId: 'none' },
        topics: options.topics,
        mode: 'push',
        pause: () => undefined,
        resume: () => undefined,
        fetchNext: () => Promise.resolve(0),
        refreshLag: () => Promise.resolve({ total: 0, partitions: [] }),
        stop: () => Promise.resolve(),
      });
    },
  };
  const capabilities = new CapabilitySet().add(Capabilities.produce, producer).add(Capabilities.tail, tailing);
  const destinations = () => Promise.resolve([...broker.queues.keys()].map((name) => ({ name, partitionCount: 1, internal: false })));
  const unsupported = () => Promise.reject(new Error('not offered by the fake kind'));
  return {
    definition,
    listTopics: destinations,
    describeCluster: unsupported,
    describeTopic: unsupported,
    describeTopicConfigs: unsupported,
    listConsumerGroups: () => Promise.resolve([]),
    describeConsumerGroup: unsupported,
    capability: (capability) => capabilities.get(capability),
    capabilityIds: () => capabilities.ids(),
    dispose: () => Promise.resolve(),
  };
}

const fakeKind = (broker: FakeBroker): BrokerKindDefinition => ({
  kind: 'fake',
  title: 'Fake queue',
  createClient: (definition) => fakeClient(definition, broker),
  destinations: {
    noun: 'queue',
    validateName: (name) => (/^[a-z]+$/.test(name) ? undefined : 'A queue name is lower-case letters.'),
    findCollision: () => undefined,
    commonSettings: {},
    parseSettings: () => ({}),
  },
  produce: { compressionNames: ['none'], partitionerFor: () => () => 0 },
});

describe('a broker kind added as one registration (a fake kind)', () => {
  const broker = new FakeBroker();
  const kinds = new BrokerKindRegistry([kafkaKind, fakeKind(broker)]);
  const definition: ClusterDefinition = { id: 'f1', name: 'fake one', kind: 'fake', bootstrapServers: [] };
  const options = { logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} }, requestTimeoutMs: 1000, secrets: () => Promise.resolve({}) };

  it('builds its clients and answers with its own rules', () => {
    assert.deepEqual(kinds.list().map((k) => k.kind), ['kafka', 'fake']);
    assert.equal(kinds.get('fake').destinations.validateName('Orders'), 'A queue name is lower-case letters.');
    assert.equal(kinds.createClient(definition, options).definition.kind, 'fake');
    assert.throws(() => kinds.get('nats'), /kind "nats" are not supported by this version/);
    assert.throws(() => new BrokerKindRegistry([kafkaKind, kafkaKind]), /registered twice/);
  });

  it('is produced to by the produce pipeline and tailed into the record store, unchanged', async () => {
    const client = kinds.createClient(definition, options);
    const store = new RecordStore(100);
    const session = await requireCapability(client, Capabilities.tail).startTail(
      { topics: ['orders'], fromBeginning: true },
      { onMessages: (batch) => store.append(batch), onState: () => undefined },
    );
    const items = parseText('{"key": "a", "value": {"n": 1}}\n{"key": "b", "value": {"n": 2}}\n', 'jsonl', { envelope: 'auto' });
    const kind = kinds.get(client.definition.kind);
    const summary = await producePipeline(items, 'orders', (messages) => requireCapability(client, Capabilities.produce).produce('orders', messages), {
      batchSize: 10,
      maxInFlight: 1,
      partitionCount: 1,
      partitionForKey: kind.produce.partitionerFor(1),
    });
    await session.stop();
    assert.deepEqual([summary.sent, summary.failed], [2, 0]);
    assert.equal(store.counts().retained, 2);
    assert.deepEqual(
      broker.queues.get('orders')!.map((m) => [m.key, m.value]),
      [
        ['a', '{"n":1}'],
        ['b', '{"n":2}'],
      ],
    );
    assert.deepEqual((await client.listTopics()).map((t) => t.name), ['orders']);
  });

  it('gets the read-only guard and capability errors without code of its own', async () => {
    const guarded = readOnlyClient(kinds.createClient(definition, options), { ...definition, readOnly: true });
    await assert.rejects(requireCapability(guarded, Capabilities.produce).produce('orders', [{ value: 'x' }]), /"fake one" is read-only: producing messages/);
    assert.throws(() => requireCapability(guarded, Capabilities.conversations), /Conversations is not available for fake clusters \("fake one"\)/);
    assert.deepEqual(guarded.capabilityIds(), ['produce', 'tail']);
  });
});
