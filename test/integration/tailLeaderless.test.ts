import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Logger, TailListener, TailMessage, TailSession, TailState } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { waitUntil } from '../harness/util';

/**
 * Issue 25, point 4: a partition leader killed outright (SIGKILL: no controlled shutdown) leaves its
 * partition without a live leader until the controller fences the broker (broker.session.timeout.ms).
 * Meanwhile the partitions led by live brokers must keep flowing into the panel, and the panel must
 * say which partition waits for a new leader and since when. Then the lost partition catches up
 * with every offset once.
 */

const PARTITIONS = 3;
const OFFSETS_PARTITIONS = 10;

/** Java's String.hashCode, for the coordinator partition Kafka picks for a group. */
function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  }
  return hash;
}

class Panel implements TailListener {
  readonly shown = new Map<number, number[]>();
  readonly states: { state: TailState; detail?: string; at: number }[] = [];
  onMessages = (batch: TailMessage[]): void => {
    for (const m of batch) {
      const list = this.shown.get(m.partition) ?? [];
      list.push(Number(m.offset));
      this.shown.set(m.partition, list);
    }
  };
  onState = (state: TailState, detail?: string): void => {
    this.states.push({ state, detail, at: Date.now() });
  };
  onLag = (): void => undefined;
  count(partitions: number[]): number {
    return partitions.reduce((n, p) => n + (this.shown.get(p)?.length ?? 0), 0);
  }
  describeStates(since: number): string {
    return this.states.map((s) => `${s.at - since}ms ${s.state}${s.detail ? ` (${s.detail})` : ''}`).join('\n  ');
  }
}

/** One produce loop per partition (acks=1), so a partition without a leader does not hold the others back. */
class PartitionProducers {
  sent = new Map<number, number>();
  private running = true;
  private readonly loops: Promise<void>[];
  constructor(client: KafkaClusterClient, topic: string) {
    this.loops = Array.from({ length: PARTITIONS }, (_, partition) => this.run(client, topic, partition));
  }
  private async run(client: KafkaClusterClient, topic: string, partition: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      try {
        await client.produce(topic, [{ partition, value: `p${partition}-${n}` }], { acks: 1 });
        this.sent.set(partition, (this.sent.get(partition) ?? 0) + 1);
      } catch {
        // the partition has no leader yet: try again
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

describe(`Tail while a partition has no leader (3 brokers, Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster | undefined;
  let tailClient: KafkaClusterClient;
  let producerClient: KafkaClusterClient;
  let admin: Admin;
  let session: TailSession | undefined;
  let producers: PartitionProducers | undefined;
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
    tailClient = new KafkaClusterClient({ id: randomUUID(), name: 'leaderless', kind: 'kafka', bootstrapServers: brokers }, { logger });
    producerClient = new KafkaClusterClient({ id: randomUUID(), name: 'leaderless-producer', kind: 'kafka', bootstrapServers: brokers }, { logger: silentLogger });
    admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`tail log lines:\n${logLines.map((l) => l.slice(0, 600)).join('\n')}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await producers?.stop();
    await session?.stop().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await tailClient?.dispose();
    await producerClient?.dispose();
    await cluster?.stop();
  });

  async function leaders(topic: string): Promise<Map<number, number>> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(topics[0].partitions.map((p) => [p.partitionId, p.leader]));
  }

  async function coordinatorOf(groupId: string): Promise<number> {
    const partition = Math.abs(javaHash(groupId) % OFFSETS_PARTITIONS);
    const { topics } = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
    return topics[0].partitions.find((p) => p.partitionId === partition)!.leader;
  }

  it('keeps showing the partitions whose leader lives and says which partition waits for a leader', async function () {
    this.timeout(150_000);
    const live = cluster!;
    const topic = `it-leaderless-${randomUUID().slice(0, 8)}`;
    // The killed broker leads partition 0 and holds no replica of partitions 1 and 2, whose high
    // watermarks keep advancing after the kill (were it one of their followers, no consumer could read
    // anything new there until the controller drops it from their in-sync replicas).
    const ids = live.nodes.map((n) => n.id);
    const victim = ids[0];
    const [a, b] = ids.slice(1);
    const lost = 0;
    const healthy = [1, 2];
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 0, replicas: [victim, a] },
            { partition: 1, replicas: [a, b] },
            { partition: 2, replicas: [b, a] },
          ],
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        },
      ],
    }).catch((error: Error) => {
      // kafkajs reads the new topic's metadata back once and gives up when that broker does not
      // know it yet (UNKNOWN_TOPIC_OR_PARTITION): the topic was created, the leaders are awaited below.
      logger.info(`test: createTopics: ${error.message}`);
    });
    await waitUntil(async () => (await leaders(topic).catch(() => undefined))?.get(lost) === victim, { timeoutMs: 30_000, what: `node ${victim} to lead ${topic}-${lost}` });
    producers = new PartitionProducers(producerClient, topic);
    await waitUntil(() => [...producers!.sent.values()].filter((n) => n >= 10).length === PARTITIONS, { timeoutMs: 30_000, what: 'messages on every partition' });

    // A broadcast tail (the default) whose group coordinator is not the broker killed.
    await admin.describeGroups(['it-leaderless-warmup']).catch(() => undefined);
    await waitUntil(() => coordinatorOf('it-leaderless-warmup').catch(() => undefined), { timeoutMs: 30_000, what: '__consumer_offsets to have leaders' });
    let panel = new Panel();
    for (;;) {
      // Every broker's metadata must know the new topic first (else the start's offset lookup fails).
      const listener = panel;
      session = await waitUntil(() => tailClient.startTail({ topics: [topic], fromBeginning: true, start: 'earliest' }, listener).catch(() => undefined), {
        timeoutMs: 30_000,
        what: `a tail of ${topic} to start`,
      });
      const groupId = session.identity.groupId;
      if ((await waitUntil(() => coordinatorOf(groupId).catch(() => undefined), { timeoutMs: 30_000, what: `the coordinator of ${groupId}` })) !== victim) {
        break;
      }
      await session.stop();
      panel = new Panel();
    }
    await waitUntil(() => panel.states.at(-1)?.state === 'running' && panel.shown.size === PARTITIONS, { timeoutMs: 30_000, what: 'the tail to run and show every partition' });

    const killedAt = Date.now();
    logger.info(`test: killing node ${victim}, leader of ${topic}-${lost}; healthy partitions ${healthy.join(', ')}`);
    await live.killNode(victim);

    // Until a live broker leads the lost partition, sample how many healthy messages the panel shows.
    const samples: { at: number; shown: number; produced: number }[] = [];
    let electedAt: number | undefined;
    while (electedAt === undefined && Date.now() - killedAt < 60_000) {
      samples.push({ at: Date.now(), shown: panel.count(healthy), produced: healthy.reduce((n, p) => n + (producers!.sent.get(p) ?? 0), 0) });
      const leader = await leaders(topic)
        .then((l) => l.get(lost))
        .catch(() => victim);
      if (leader !== victim && leader !== -1 && leader !== undefined) {
        electedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(electedAt !== undefined, 'no new leader within 60 s');
    const window = electedAt - killedAt;
    logger.info(`test: ${topic}-${lost} had no live leader for ${window} ms`);
    assert.ok(window >= 2_000, `the lost partition had a new leader after ${window} ms: too soon to tell whether the others kept flowing`);
    // The longest time in that window during which no healthy message reached the panel.
    let longest = 0;
    let lastChange = samples[0];
    for (const s of samples) {
      if (s.shown !== lastChange.shown) {
        lastChange = s;
      }
      longest = Math.max(longest, s.at - lastChange.at);
    }
    const states = `states:\n  ${panel.describeStates(killedAt)}`;
    const changes = samples.filter((s, i) => i === 0 || s.shown !== samples[i - 1].shown || s.produced !== samples[i - 1].produced).map((s) => `${s.at - killedAt}:${s.shown}/${s.produced}`);
    logger.info(`test: healthy messages (ms after the kill: shown/acknowledged) ${changes.join(' ')}`);
    logger.info(`test: longest stall of partitions ${healthy.join(', ')} while ${topic}-${lost} had no leader: ${longest} ms of ${window} ms`);
    console.log(`      partitions ${healthy.join(', ')}: longest time without a new message ${longest} ms while ${topic}-${lost} had no leader (${window} ms)`);
    assert.ok(longest < 1_000, `partitions ${healthy.join(', ')} showed nothing new for ${longest} ms while ${topic}-${lost} had no leader (${window} ms); ${states}`);
    const waiting = panel.states.find((s) => s.at >= killedAt && (s.detail ?? '').includes(`${topic}-${lost}`) && /waits? for a new leader since \d\d:\d\d:\d\d/.test(s.detail ?? ''));
    assert.ok(waiting, `the panel never said that ${topic}-${lost} waits for a new leader and since when; ${states}`);

    // Afterwards every offset of every partition, once and in order.
    await producers.stop();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    await waitUntil(() => [...ends].every(([p, end]) => (panel.shown.get(p)?.at(-1) ?? -1) >= end - 1), {
      timeoutMs: 60_000,
      what: `every offset up to ${JSON.stringify([...ends])} (shown ${JSON.stringify([...panel.shown].map(([p, l]) => [p, l.at(-1)]))}); ${states}`,
    });
    for (const [p, end] of ends) {
      const shown = panel.shown.get(p) ?? [];
      const at = shown.findIndex((offset, i) => offset !== i);
      assert.ok(at < 0 && shown.length === end, `partition ${p}: ${shown.length} shown for ${end} offsets; first out of order at index ${at}: ${JSON.stringify(shown.slice(Math.max(0, at - 3), at + 5))}`);
    }
    await waitUntil(() => panel.states.at(-1)?.state === 'running', { timeoutMs: 30_000, what: `running again; ${panel.describeStates(killedAt)}` });
  });
});
