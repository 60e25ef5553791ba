import * as assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { silentLogger } from '../../src/core/brokerClient';
import { ClusterLayout, type Layout } from '../../src/brokers/kafka/tail/tailLayout';
import { LeaderlessPartitions } from '../../src/brokers/kafka/tail/tailLeaderless';
import { tpKey } from '../../src/brokers/kafka/tail/tailPositions';
import { waitUntil } from '../harness/util';

/**
 * Which partitions a tail holds back when a broker's fetch throws, and when it lets them go. The
 * layouts are given (no broker here); the end-to-end proof with a killed leader on 3 real brokers
 * is test/integration/tailLeaderless.test.ts.
 */
describe('tail: partitions whose leader is unreachable', () => {
  const tailed = [0, 1, 2].map((partition) => ({ topic: 'orders', partition }));
  const layout = (leaders: string[], live = ['1', '2', '3']): Layout => ({
    live: new Set(live),
    leaders: new Map(leaders.map((leader, partition) => [tpKey('orders', partition), leader])),
  });

  function setup(first: Layout) {
    const cluster = new ClusterLayout(undefined as unknown as Kafka);
    cluster.current = first;
    let next = first;
    let changes = 0;
    const held = new LeaderlessPartitions(cluster, {
      groupId: 'g',
      logger: silentLogger,
      tailedPartitions: () => tailed,
      readLayout: () => Promise.resolve((cluster.current = next)),
      changed: () => changes++,
    });
    return { held, changes: () => changes, setNext: (l: Layout) => (next = l) };
  }

  it('holds only the partitions the failing broker leads, once, and says since when', () => {
    const { held, changes } = setup(layout(['1', '2', '1']));
    held.brokerFailed('1');
    held.brokerFailed('1');
    assert.deepEqual([held.isHeld('orders', 0), held.isHeld('orders', 1), held.isHeld('orders', 2)], [true, false, true]);
    assert.equal(changes(), 1);
    assert.match(held.describe() ?? '', /^orders-0, orders-2 wait for a new leader since \d\d:\d\d:\d\d \(broker id 1 is unreachable\); the other partitions keep flowing$/);
    held.brokerFailed('3'); // leads nothing tailed
    assert.equal(held.size, 2);
  });

  it('releases a partition once a live broker leads it, not while the lost one (or nobody) still does', async () => {
    const { held, changes, setNext } = setup(layout(['1', '2', '3']));
    held.brokerFailed('1');
    setNext(layout(['-1', '2', '3'], ['1', '2', '3']));
    held.check();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(held.isHeld('orders', 0), true, 'released without a leader');
    setNext(layout(['2', '2', '3'], ['2', '3']));
    await waitUntil(
      () => {
        held.check(); // at most once a second
        return !held.isHeld('orders', 0);
      },
      { timeoutMs: 5_000, what: 'orders-0 released' },
    );
    assert.equal(held.describe(), undefined);
    assert.equal(changes(), 2);
  });
});
