import * as assert from 'node:assert/strict';
import { Capabilities } from '../../src/core/brokerCapabilities';
import type { BrokerClient, ClusterDefinition } from '../../src/core/brokerClient';
import { type Capability, CapabilitySet, defineCapability, guardWrites, mayWrite, writeOf } from '../../src/core/capabilities';
import { readOnlyClient, writeRefusal } from '../../src/connections/readOnlyClient';

const definition: ClusterDefinition = { id: 'c1', name: 'prod', kind: 'kafka', bootstrapServers: ['h:9092'], readOnly: true };

/** Records every call made to any member of any capability; each call resolves with its member name. */
function recordingClient(calls: string[]): BrokerClient {
  const capabilities = new CapabilitySet();
  for (const capability of Object.values(Capabilities) as Capability<object>[]) {
    const implementation: Record<string, unknown> = {};
    for (const member of Object.keys(capability.writes)) {
      implementation[member] = (...args: unknown[]) => {
        calls.push(`${capability.id}.${member}`);
        return Promise.resolve({ member, args });
      };
    }
    capabilities.add(capability, implementation);
  }
  const reads = () => Promise.reject(new Error('not used'));
  return {
    definition,
    listTopics: reads,
    describeCluster: reads,
    describeTopic: reads,
    describeTopicConfigs: reads,
    listConsumerGroups: reads,
    describeConsumerGroup: reads,
    capability: (c) => capabilities.get(c),
    capabilityIds: () => capabilities.ids(),
    dispose: () => Promise.resolve(),
  };
}

describe('capabilities and the read-only guard', () => {
  it('refuses every member declared a write, of every capability, without calling the client', async () => {
    const calls: string[] = [];
    const guarded = readOnlyClient(recordingClient(calls), definition);
    const refused: string[] = [];
    for (const capability of Object.values(Capabilities) as Capability<object>[]) {
      const implementation = guarded.capability(capability) as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const member of Object.keys(capability.writes)) {
        // A shared group makes a tail a write; every other per-call declaration ignores this argument.
        const args = [{ topics: ['t'], fromBeginning: true, group: 'billing' }];
        if (writeOf(capability, member as keyof object, args) === undefined) {
          await implementation[member](...args);
          continue;
        }
        await assert.rejects(implementation[member](...args), /"prod" is read-only: .+ is not allowed\./, `${capability.id}.${member}`);
        refused.push(`${capability.id}.${member}`);
      }
    }
    // The inventory of writes: removing a declaration (or a capability) shows up here.
    assert.deepEqual(refused, [
      'topicAdmin.createTopic',
      'topicAdmin.deleteTopics',
      'topicAdmin.addPartitions',
      'topicAdmin.setTopicConfig',
      'topicAdmin.purgeTopic',
      'groupAdmin.applyOffsetReset',
      'groupAdmin.deleteConsumerGroup',
      'produce.produce',
      'bulkProduce.openBulkSender',
      'tail.startTail',
      'conversations.send',
    ]);
    assert.deepEqual(calls, ['groupAdmin.planOffsetReset', 'conversations.listen', 'conversations.readWindow']);
  });

  it('decides per call where the declaration does: a broadcast tail reads, a shared group writes', async () => {
    const calls: string[] = [];
    const tail = readOnlyClient(recordingClient(calls), definition).capability(Capabilities.tail)!;
    const listener = { onMessages: () => undefined, onState: () => undefined };
    await tail.startTail({ topics: ['t'], fromBeginning: true }, listener);
    await assert.rejects(tail.startTail({ topics: ['t'], fromBeginning: true, group: 'billing' }, listener), /shared group "billing" \(it commits offsets/);
    assert.deepEqual(calls, ['tail.startTail']);
  });

  it('says before asking anything whether a call would be refused, and only on read-only clusters', () => {
    assert.match(writeRefusal(definition, Capabilities.produce, 'produce')!.message, /"prod" is read-only: producing messages is not allowed/);
    assert.equal(writeRefusal(definition, Capabilities.groupAdmin, 'planOffsetReset'), undefined);
    assert.equal(writeRefusal({ ...definition, readOnly: false }, Capabilities.topicAdmin, 'deleteTopics'), undefined);
  });

  it('exposes only declared members, so an undeclared method of a concrete class is unreachable', async () => {
    const key = defineCapability<{ read(): Promise<number> }>('test.read', 'reading', { read: false });
    const implementation = { read: () => Promise.resolve(1), wipe: () => Promise.resolve('wiped') };
    const guarded = guardWrites(key, implementation, (words) => new Error(words)) as unknown as Record<string, unknown>;
    assert.equal(await (guarded.read as () => Promise<number>)(), 1);
    assert.equal(guarded.wipe, undefined);
    assert.equal(mayWrite(key), false);
  });

  it('keeps one implementation per key and refuses adding a key twice', () => {
    const set = new CapabilitySet().add(Capabilities.produce, { produce: () => Promise.resolve([]) });
    assert.deepEqual(set.ids(), ['produce']);
    assert.equal(set.get(Capabilities.bulkProduce), undefined);
    assert.throws(() => set.add(Capabilities.produce, { produce: () => Promise.resolve([]) }), /added twice/);
  });
});
