import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Logger, TailListener, TailMessage, TailSession, TailState } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { RecordStore } from '../../src/tail/recordStore';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { waitUntil } from '../harness/util';

/**
 * Issue 6: on a 3-broker cluster, stop the broker leading a partition in the middle of a tail.
 * The panel must say it is reconnecting, then carry on, and show every offset exactly once.
 * Two broadcast tails and a shared-group tail run side by side, each feeding a real RecordStore as
 * the panel does, while a producer writes numbered messages before, during and after the stop.
 * The stopped broker also coordinates the first broadcast group, so that consumer loses its
 * coordinator too: kafkajs then rejoins (NOT_COORDINATOR) or crashes and restarts it, and either
 * way starts it from the group's commits, which a broadcast group has none of. The shared group is
 * coordinated elsewhere: its consumer only moves to the new leader.
 */

const PARTITIONS = 3;
/** kafkajs' and Kafka's group-coordinator partitioning (offsets.topic.num.partitions is 10 in the harness). */
const OFFSETS_PARTITIONS = 10;

/** The listener the panel would be: states with their detail, messages into a RecordStore. */
class PanelListener implements TailListener {
  readonly store = new RecordStore(500_000);
  readonly states: { state: TailState; detail?: string; at: number }[] = [];
  constructor(readonly name: string) {}
  onMessages = (batch: TailMessage[]): void => {
    this.store.append(batch);
  };
  onState = (state: TailState, detail?: string): void => {
    this.states.push({ state, detail, at: Date.now() });
  };
  onLag = (): void => undefined;
  get state(): TailState | undefined {
    return this.states.at(-1)?.state;
  }
  /** Offsets and values of one topic per partition, in the order the store received them. */
  byPartition(topic: string): Map<number, { offset: number; value: string | null }[]> {
    const result = new Map<number, { offset: number; value: string | null }[]>();
    for (const m of this.store.retained()) {
      if (m.topic === topic) {
        const list = result.get(m.partition) ?? [];
        list.push({ offset: Number(m.offset), value: m.value });
        result.set(m.partition, list);
      }
    }
    return result;
  }
  /** Whether the store holds every offset below `ends` (the end offsets per partition). */
  covers(topic: string, ends: Map<number, number>): boolean {
    const seen = this.byPartition(topic);
    return [...ends].every(([partition, end]) => (seen.get(partition)?.at(-1)?.offset ?? -1) >= end - 1);
  }
  describeStates(): string {
    return this.states.map((s) => `${new Date(s.at).toISOString().slice(17, 23)} ${s.state}${s.detail ? ` (${s.detail})` : ''}`).join('\n  ');
  }
}

/** Writes one numbered message per partition every few ms until stopped; remembers what landed where. */
class NumberedProducer {
  /** partition → offset → value, for every acknowledged message. */
  readonly acked = new Map<number, Map<number, string>>();
  /** Every value sent per partition, acknowledged or not (a failed send may still have been written). */
  readonly attempted = new Map<number, Set<string>>();
  rounds = 0;
  failures = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: KafkaClusterClient,
    private readonly topic: string,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    for (let n = 0; this.running; n++) {
      const messages = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: `p${partition}-${n}` }));
      for (const m of messages) {
        const set = this.attempted.get(m.partition) ?? new Set<string>();
        set.add(m.value);
        this.attempted.set(m.partition, set);
      }
      try {
        const results = await this.client.produce(this.topic, messages);
        // One message per partition per call: each partition's base offset is its message's offset.
        for (const r of results) {
          const map = this.acked.get(r.partition) ?? new Map<number, string>();
          map.set(Number(r.offset), messages[r.partition].value);
          this.acked.set(r.partition, map);
        }
        this.rounds++;
      } catch {
        this.failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Java's String.hashCode, for the coordinator partition Kafka picks for a group. */
function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  }
  return hash;
}

describe(`Tail across a partition leader stopping (3 brokers, Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster | undefined;
  let tailClient: KafkaClusterClient;
  let producerClient: KafkaClusterClient;
  let admin: Admin;
  const sessions: TailSession[] = [];
  const producers: NumberedProducer[] = [];
  const logLines: string[] = [];
  const started = Date.now();
  const logger: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: (m) => logLines.push(`${((Date.now() - started) / 1000).toFixed(2)} INFO ${m}`),
    warn: (m) => logLines.push(`${((Date.now() - started) / 1000).toFixed(2)} WARN ${m}`),
    error: (m) => logLines.push(`${((Date.now() - started) / 1000).toFixed(2)} ERROR ${m}`),
  };

  before(async function () {
    this.timeout(120_000);
    cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION, nodes: 3 });
    const brokers = cluster.bootstrapServers.split(',');
    // Every broker in the bootstrap list: stopping one must not cut the client off.
    tailClient = new KafkaClusterClient({ id: randomUUID(), name: 'failover', kind: 'kafka', bootstrapServers: brokers }, { logger });
    producerClient = new KafkaClusterClient({ id: randomUUID(), name: 'failover-producer', kind: 'kafka', bootstrapServers: brokers }, { logger: silentLogger });
    admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterEach(async function () {
    await Promise.all(producers.splice(0).map((p) => p.stop()));
    await Promise.all(sessions.splice(0).map((s) => s.stop().catch(() => undefined)));
    if (this.currentTest?.state === 'failed') {
      console.log(`kafkajs and tail log lines:\n${logLines.map((l) => l.slice(0, 600)).join('\n')}`);
    }
    logLines.length = 0;
  });

  after(async function () {
    this.timeout(60_000);
    await admin?.disconnect().catch(() => undefined);
    await tailClient?.dispose();
    await producerClient?.dispose();
    await cluster?.stop();
  });

  /** The node id leading each partition of `topic`. */
  async function leaders(topic: string): Promise<Map<number, number>> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(topics[0].partitions.map((p) => [p.partitionId, p.leader]));
  }

  /** The node coordinating `groupId` (leader of its __consumer_offsets partition). */
  async function coordinatorOf(groupId: string): Promise<number> {
    const partition = Math.abs(javaHash(groupId) % OFFSETS_PARTITIONS);
    const { topics } = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
    const found = topics[0].partitions.find((p) => p.partitionId === partition);
    assert.ok(found, `__consumer_offsets has no partition ${partition}`);
    return found.leader;
  }

  async function endOffsets(topic: string): Promise<Map<number, number>> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  it('broadcast and shared tails say they reconnect and show every offset once when a partition leader stops', async function () {
    this.timeout(110_000);
    const live = cluster!;
    const topic = `it-failover-${randomUUID().slice(0, 8)}`;
    await tailClient.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    const producer = new NumberedProducer(producerClient, topic);
    producers.push(producer);
    await waitUntil(() => producer.rounds >= 10, { timeoutMs: 30_000, what: 'ten rounds produced before the tails start' });

    // Two broadcast tails from 'latest' (the end recorded at start must hold through rejoins) ...
    const panels = [new PanelListener('broadcast 1'), new PanelListener('broadcast 2')];
    const startBounds = new Map<PanelListener, { before: Map<number, number>; after: Map<number, number> }>();
    for (const panel of panels) {
      const before = await endOffsets(topic);
      sessions.push(await tailClient.startTail({ topics: [topic], fromBeginning: false, start: 'latest' }, panel));
      startBounds.set(panel, { before, after: await endOffsets(topic) });
    }
    // ... the stopped broker is the first one's group coordinator and a partition leader: that
    // consumer rejoins or restarts, and must resume exactly where it was.
    const victim = await coordinatorOf(sessions[0].identity.groupId);
    const leaderOf = await leaders(topic);
    const partition = [...leaderOf].find(([, leader]) => leader === victim)?.[0];
    assert.ok(partition !== undefined, `node ${victim} leads no partition of ${topic}: ${JSON.stringify([...leaderOf])}`);
    // A shared group coordinated elsewhere, from earliest: kafkajs moves to the new leader without a crash.
    let group: string;
    do {
      group = `it-failover-shared-${randomUUID().slice(0, 8)}`;
    } while ((await coordinatorOf(group)) === victim);
    const shared = new PanelListener('shared');
    panels.push(shared);
    sessions.push(await tailClient.startTail({ topics: [topic], fromBeginning: true, start: 'earliest', group }, shared));
    await waitUntil(() => panels.every((p) => p.state === 'running' && p.byPartition(topic).size === PARTITIONS), {
      timeoutMs: 30_000,
      what: 'every tail to run and show every partition',
    });

    const address = `127.0.0.1:${live.nodes.find((n) => n.id === victim)!.port}`;
    const stoppedAt = Date.now();
    logger.info(`test: stopping node ${victim} (${address}), leader of ${topic}-${partition}`);
    await live.stopNode(victim);
    logger.info('test: node stopped');
    const roundsAtStop = producer.rounds;
    await waitUntil(() => producer.rounds >= roundsAtStop + 30, { timeoutMs: 45_000, what: 'thirty rounds produced after the stop' });
    await producer.stop();
    const ends = await endOffsets(topic);

    for (const panel of panels) {
      await waitUntil(() => panel.covers(topic, ends), {
        timeoutMs: 60_000,
        what: `the ${panel.name} tail to show every offset up to ${JSON.stringify([...ends])} (has ${JSON.stringify([...panel.byPartition(topic)].map(([p, l]) => [p, l.at(-1)?.offset]))}; states:\n  ${panel.describeStates()})`,
      });
      await waitUntil(() => panel.state === 'running', { timeoutMs: 30_000, what: `the ${panel.name} tail to report running again (states:\n  ${panel.describeStates()})` });
    }

    for (const panel of panels) {
      const states = `states:\n  ${panel.describeStates()}`;
      const reconnecting = panel.states.findIndex((s) => s.at >= stoppedAt && s.state === 'connecting' && /^Reconnecting: /.test(s.detail ?? ''));
      assert.ok(reconnecting >= 0, `the ${panel.name} tail never said it was reconnecting; ${states}`);
      assert.ok(
        panel.states.some((s) => s.at >= stoppedAt && s.state === 'connecting' && (s.detail ?? '').includes(address)),
        `the ${panel.name} tail never named the stopped broker ${address}; ${states}`,
      );
      assert.ok(panel.states.slice(reconnecting).some((s) => s.state === 'running'), `the ${panel.name} tail did not report running again; ${states}`);
      assert.ok(!panel.states.some((s) => s.state === 'failed'), `the ${panel.name} tail failed; ${states}`);
      const episodes = panel.states.filter((s, i) => s.at >= stoppedAt && s.state === 'connecting' && panel.states[i - 1]?.state === 'running').length;
      assert.ok(episodes <= 3, `the ${panel.name} tail flapped between reconnecting and running; ${states}`);

      const seen = panel.byPartition(topic);
      const bounds = startBounds.get(panel);
      for (let p = 0; p < PARTITIONS; p++) {
        const shown = seen.get(p) ?? [];
        const first = shown[0]?.offset;
        if (bounds) {
          // 'latest' = the end when the tail started, which lies between the two reads around startTail.
          assert.ok(first >= bounds.before.get(p)! && first <= bounds.after.get(p)!, `${panel.name} p${p} starts at ${first}, outside ${bounds.before.get(p)}..${bounds.after.get(p)}`);
        } else {
          assert.equal(first, 0, `${panel.name} p${p} does not start at the earliest offset`);
        }
        shown.forEach((m, i) => {
          assert.equal(m.offset, first + i, `${panel.name} p${p}: offset ${m.offset} follows ${shown[i - 1]?.offset} (gap or duplicate); ${states}`);
          const acked = producer.acked.get(p)?.get(m.offset);
          if (acked !== undefined) {
            assert.equal(m.value, acked, `${panel.name} p${p}@${m.offset} shows another value than was produced there`);
          } else {
            assert.ok(producer.attempted.get(p)?.has(m.value ?? ''), `${panel.name} p${p}@${m.offset} shows ${m.value}, which was never sent to that partition`);
          }
        });
        assert.equal(shown.at(-1)?.offset, ends.get(p)! - 1, `${panel.name} p${p} does not end at the last produced offset`);
      }
    }

    // Stopped, the broadcast tails leave no group behind, even the one whose consumer restarted.
    const broadcastGroups = sessions.filter((s) => s.identity.kind === 'broadcast').map((s) => s.identity.groupId);
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
    const { groups } = await admin.listGroups();
    assert.deepEqual(groups.filter((g) => broadcastGroups.includes(g.groupId)), [], 'a broadcast group is left on the cluster');
  });
});
