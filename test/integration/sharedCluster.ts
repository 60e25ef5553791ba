import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';

/**
 * One single-node broker shared by the integration files that need no special topology
 * (started on first use, stopped once after all tests). Tests use unique topic names.
 */
let shared: Promise<KafkaCluster> | undefined;

export function sharedCluster(): Promise<KafkaCluster> {
  shared ??= KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION, nodes: 1 });
  return shared;
}

/** Mocha root hooks (loaded with --require): stop the shared broker once everything ran. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    if (shared) {
      const cluster = await shared.catch(() => undefined);
      shared = undefined;
      await cluster?.stop();
    }
  },
};
