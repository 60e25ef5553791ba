import { RabbitNode } from '../harness/rabbitNode';

/**
 * One private RabbitMQ node shared by the RabbitMQ test files (started on first use, stopped once
 * after all tests). Tests use unique queue and exchange names.
 */
let shared: Promise<RabbitNode> | undefined;

export function sharedRabbitNode(): Promise<RabbitNode> {
  shared ??= RabbitNode.start();
  return shared;
}

/** Mocha root hooks (loaded with --require): stop the shared node once everything ran. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    if (shared) {
      const node = await shared.catch(() => undefined);
      shared = undefined;
      await node?.stop();
    }
  },
};
