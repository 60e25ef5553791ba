import * as assert from 'node:assert/strict';
import { FetchHealth } from '../../src/brokers/kafka/tail/tailHealth';

/**
 * The fetch-loop health model on a simulated clock, fed the event sequences kafkajs' fetch loop
 * emits (one fetcher per broker: FETCH_START, then FETCH after a long poll of at most 250 ms).
 * The end-to-end proof against real brokers is test/integration/tailFailover.test.ts.
 */
class Loop {
  now = 0;
  readonly health = new FetchHealth(() => this.now, { stuckMs: 5_000, goneMs: 1_000, heartbeatMs: 3_000 });
  private lastBeat = 0;

  /** Runs every node in `nodes` through long polls of `pollMs` for `ms`, heartbeating every second. */
  cycle(nodes: string[], ms: number, pollMs = 250): void {
    const end = this.now + ms;
    while (this.now < end) {
      nodes.forEach((n) => this.health.fetchStart(n));
      this.now += pollMs;
      nodes.forEach((n) => this.health.fetchDone(n));
      this.now += 5;
      if (this.now - this.lastBeat >= 1_000) {
        this.health.heartbeat();
        this.lastBeat = this.now;
      }
    }
  }
}

describe('tail fetch health', () => {
  it('sees nothing wrong in idle long polls, fast cycles or slow answers under the stuck limit', () => {
    const loop = new Loop();
    for (let i = 0; i < 240; i++) {
      loop.cycle(['1', '2', '3'], 250, i % 3 === 0 ? 250 : 20);
      assert.deepEqual(loop.health.problems(), []);
    }
    loop.cycle(['1', '2', '3'], 10_000, 2_000);
    assert.deepEqual(loop.health.problems(), []);
  });

  it('a fetch that throws (started again before it finished) means its broker is failing, until one succeeds', () => {
    const loop = new Loop();
    loop.cycle(['1', '2'], 2_000);
    loop.health.fetchStart('2'); // throws: no FETCH
    loop.now += 300; // kafkajs' retry backoff
    loop.health.fetchStart('2');
    assert.deepEqual(loop.health.problems(), [{ kind: 'failing', nodeId: '2' }]);
    const since = loop.now;
    loop.health.fetchDone('2');
    loop.cycle(['1', '2'], 1_500);
    assert.deepEqual(loop.health.problems(), []);
    assert.equal(loop.health.recoveredSince(since), true);
  });

  it('a broker dropped from the rounds is gone; recovery needs fetches and a heartbeat after the trouble began', () => {
    const loop = new Loop();
    loop.cycle(['1', '2', '3'], 2_000);
    loop.cycle(['1', '3'], 600);
    assert.deepEqual(loop.health.problems(), [], 'one missed round is not yet a lost broker');
    loop.cycle(['1', '3'], 400);
    assert.deepEqual(loop.health.problems(), [{ kind: 'gone', nodeId: '2' }]);
    const since = loop.now;
    assert.equal(loop.health.recoveredSince(since), false);
    loop.cycle(['1', '3'], 300);
    assert.equal(loop.health.recoveredSince(since), false, 'fetches alone, no heartbeat yet');
    loop.cycle(['1', '3'], 1_000);
    assert.equal(loop.health.recoveredSince(since), true);
    assert.deepEqual(loop.health.problems(), [], 'the lost broker is forgotten once recovered');
  });

  it('a broker that left the cluster with a fetch unfinished does not block recovery', () => {
    const loop = new Loop();
    loop.cycle(['1', '2', '3'], 2_000);
    loop.health.fetchStart('2'); // never answers; kafkajs then drops broker 2 from its rounds
    loop.cycle(['1', '3'], 6_000);
    assert.deepEqual(loop.health.problems(), [{ kind: 'stuck', nodeId: '2' }]);
    const since = loop.now;
    loop.cycle(['1', '3'], 1_500);
    assert.equal(loop.health.recoveredSince(since), false, 'while broker 2 may still answer, it blocks recovery');
    const isLive = (id: string): boolean => id !== '2';
    assert.equal(loop.health.recoveredSince(since, isLive), true, 'once it left the cluster, it does not');
  });

  it('an idle fetcher kafkajs keeps for a broker that left (it leads nothing now) is no problem', () => {
    const loop = new Loop();
    const isLive = (id: string): boolean => id !== '2';
    for (let i = 0; i < 40; i++) {
      loop.cycle(['1', '2', '3'], 250);
      assert.deepEqual(loop.health.problems(isLive), []);
    }
  });

  it('a broker that keeps failing while kafkajs still retries it stays a problem, whether or not it left', () => {
    const loop = new Loop();
    loop.cycle(['1', '2'], 2_000);
    for (let round = 0; round < 5; round++) {
      loop.health.fetchStart('2'); // throws each round; the round restarts after a backoff
      loop.cycle(['1'], 600);
      assert.deepEqual(loop.health.problems((id) => id !== '2'), round === 0 ? [] : [{ kind: 'failing', nodeId: '2' }]);
    }
  });

  it('no heartbeat for several intervals while fetches cycle: the coordinator is lost', () => {
    const loop = new Loop();
    loop.cycle(['1', '2'], 2_000);
    const health = loop.health;
    for (let t = 0; t < 3_500; t += 255) {
      health.fetchStart('1');
      health.fetchStart('2');
      loop.now += 250;
      health.fetchDone('1');
      health.fetchDone('2');
      loop.now += 5;
    }
    assert.deepEqual(health.problems(), [{ kind: 'coordinator' }]);
  });

  it('after a consumer restart the old fetchers are forgotten', () => {
    const loop = new Loop();
    loop.cycle(['1', '2'], 2_000);
    loop.health.fetchStart('2');
    loop.health.reset();
    loop.now += 10_000;
    assert.deepEqual(loop.health.problems(), []);
  });
});
