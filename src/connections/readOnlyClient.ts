import type { BrokerClient, ClusterDefinition } from '../core/brokerClient';
import { type Capability, guardWrites, writeOf } from '../core/capabilities';
import { BrokerOperationError } from '../core/errors';

/** The refusal a read-only cluster gives for a write, in words the user can act on. */
export function readOnlyRefusal(definition: ClusterDefinition, words: string): BrokerOperationError {
  return new BrokerOperationError(
    `"${definition.name}" is read-only: ${words} is not allowed. Use "Toggle Read-Only" on the cluster if you really mean to change it.`,
  );
}

/**
 * The refusal a call would get on this cluster, checked before asking the user anything; undefined
 * when it is allowed. Derived from the capability's own write declaration.
 */
export function writeRefusal<T extends object>(
  definition: ClusterDefinition,
  capability: Capability<T>,
  member: NoInfer<keyof T>,
  args: readonly unknown[] = [],
): BrokerOperationError | undefined {
  const words = definition.readOnly ? writeOf(capability, member, args) : undefined;
  return words === undefined ? undefined : readOnlyRefusal(definition, words);
}

/**
 * The client of a read-only cluster: reads pass through, and every capability is handed out
 * guarded, so each member its declaration marks as a write is refused, whichever command, view
 * or other extension asks. The wrapped client is not reachable through it (no proxy, no cast).
 */
export function readOnlyClient(inner: BrokerClient, definition: ClusterDefinition): BrokerClient {
  const refuse = (words: string): Error => readOnlyRefusal(definition, words);
  const guarded = new Map<string, object>();
  return {
    definition,
    listTopics: () => inner.listTopics(),
    describeCluster: () => inner.describeCluster(),
    describeTopic: (name) => inner.describeTopic(name),
    describeTopicConfigs: (name) => inner.describeTopicConfigs(name),
    listConsumerGroups: () => inner.listConsumerGroups(),
    describeConsumerGroup: (groupId) => inner.describeConsumerGroup(groupId),
    capability<T extends object>(capability: Capability<T>): T | undefined {
      const cached = guarded.get(capability.id) as T | undefined;
      if (cached) {
        return cached;
      }
      const implementation = inner.capability(capability);
      if (!implementation) {
        return undefined;
      }
      const wrapped = guardWrites(capability, implementation, refuse);
      guarded.set(capability.id, wrapped);
      return wrapped;
    },
    capabilityIds: () => inner.capabilityIds(),
    dispose: () => inner.dispose(),
  };
}

