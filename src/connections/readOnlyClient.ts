import type { BrokerClient, ClusterDefinition } from '../core/brokerClient';
import { BrokerOperationError } from '../core/errors';

/** The client methods that change a cluster, with the words used when refusing them. */
const WRITES: Record<string, string> = {
  createTopic: 'creating topics',
  produce: 'producing messages',
  deleteTopics: 'deleting topics',
  addPartitions: 'adding partitions',
  setTopicConfig: 'changing topic configs',
  purgeTopic: 'purging records',
  deleteConsumerGroup: 'deleting consumer groups',
  applyOffsetReset: 'resetting offsets',
};

/**
 * Wraps the client of a read-only cluster so every write is refused, whichever command, view or
 * other extension asks: the guard sits where all of them pass, not in each menu.
 */
export function readOnlyClient(inner: BrokerClient, definition: ClusterDefinition): BrokerClient {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const action = typeof property === 'string' ? WRITES[property] : undefined;
      if (action) {
        return () =>
          Promise.reject(
            new BrokerOperationError(
              `"${definition.name}" is read-only: ${action} is not allowed. Use "Toggle Read-Only" on the cluster if you really mean to change it.`,
            ),
          );
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
