import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { TailLag, TailMessage, TailOptions, TailSession, TailState } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import type { KafkaTailSession } from '../../src/brokers/kafka/tail/tailSession';
import { DEFAULT_KAFKA_VERSION, type KafkaCluster } from '../harness/kafkaCluster';
import { kcatProduce } from '../harness/kcat';
import { waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

const WAIT = { timeoutMs: 30_000 };

function uniqueTopic(label: string): string {
  return `it-tail-${label}-${randomUUID().slice(0, 8)}`;
}

class Recorder {
  readonly messages: TailMessage[] = [];
  readonly states: TailState[] = [];
  lag: TailLag | undefined;
  onMessages = (batch: TailMessage[]): void => {
    this.messages.push(...batch);
  };
  onState = (state: TailState): void => {
    this.states.push(state);
  };
  onLag = (lag: TailLag): void => {
    this.lag = lag;
  };
  /** partition:offset=value, sorted, for compact assertions. */
  seen(): string[] {
    return [...this.messages]
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(a.offset) - Number(b.offset))
      .map((m) => `${m.partition}:${m.offset}=${m.value}`);
  }
}

describe(`Tail sessions against a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let independent: Kafka;
  const sessions: TailSession[] = [];

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    client = new KafkaClusterClient({ id: randomUUID(), name: 'tail', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') }, { logger: silentLogger });
    independent = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  after(async () => {
    await client?.dispose();
  });

  async function tail(options: TailOptions, recorder = new Recorder()): Promise<{ session: TailSession; recorder: Recorder }> {
    const session = await client.startTail(options, recorder);
    sessions.push(session);
    return { session, recorder };
  }

  /** Two partitions with values p<partition>-<n> at known timestamps (base + 1000 * n). */
  async function fill(topic: string, perPartition: number, base: number): Promise<void> {
    await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    const messages = [];
    for (let n = 0; n < perPartition; n++) {
      for (const partition of [0, 1]) {
        messages.push({ value: `p${partition}-${n}`, partition, timestamp: String(base + 1000 * n) });
      }
    }
    await client.produce(topic, messages);
  }

  it('starts at earliest, latest, a timestamp or exact offsets, in a subset of partitions', async () => {
    const topic = uniqueTopic('pos');
    const base = Date.now() - 60_000;
    await fill(topic, 3, base);

    const earliest = await tail({ topics: [topic], fromBeginning: false, start: 'earliest' });
    await waitUntil(() => earliest.recorder.messages.length >= 6, { ...WAIT, what: 'six messages from earliest' });
    assert.deepEqual(earliest.recorder.seen(), ['0:0=p0-0', '0:1=p0-1', '0:2=p0-2', '1:0=p1-0', '1:1=p1-1', '1:2=p1-2']);

    const atTime = await tail({ topics: [topic], fromBeginning: false, start: 'timestamp', timestamp: base + 1500 });
    await waitUntil(() => atTime.recorder.messages.length >= 2, { ...WAIT, what: 'messages from the timestamp' });
    const exact = await tail({ topics: [topic], fromBeginning: false, start: 'offsets', offsets: [{ partition: 1, offset: '1' }], partitions: [1] });
    await waitUntil(() => exact.recorder.messages.length >= 2, { ...WAIT, what: 'messages from offset 1' });
    const latest = await tail({ topics: [topic], fromBeginning: true, start: 'latest', partitions: [0] });
    await waitUntil(() => latest.recorder.states.includes('running'), { ...WAIT, what: 'the latest tail to join' });
    await client.produce(topic, [{ value: 'new-0', partition: 0 }, { value: 'new-1', partition: 1 }]);
    await waitUntil(() => latest.recorder.messages.length >= 1 && exact.recorder.messages.length >= 3, { ...WAIT, what: 'the new messages' });
    await waitUntil(() => atTime.recorder.messages.length >= 4, { ...WAIT, what: 'the new messages at the timestamp tail' });

    assert.deepEqual(atTime.recorder.seen(), ['0:2=p0-2', '0:3=new-0', '1:2=p1-2', '1:3=new-1']);
    assert.deepEqual(exact.recorder.seen(), ['1:1=p1-1', '1:2=p1-2', '1:3=new-1']);
    assert.deepEqual(latest.recorder.seen(), ['0:3=new-0']);
    assert.equal((await latest.session.refreshLag()).total, 0);
  });

  it('tails every topic a pattern matches', async () => {
    const stem = `it-tail-rx-${randomUUID().slice(0, 8)}`;
    for (const suffix of ['a', 'b']) {
      await client.createTopic({ name: `${stem}-${suffix}`, partitions: 1, replicationFactor: 1 });
      await client.produce(`${stem}-${suffix}`, [{ value: suffix }]);
    }
    const { session, recorder } = await tail({ topics: [], topicPattern: `^${stem}-`, fromBeginning: true });
    assert.deepEqual(session.topics, [`${stem}-a`, `${stem}-b`]);
    await waitUntil(() => recorder.messages.length >= 2, { ...WAIT, what: 'one message per matched topic' });
    assert.deepEqual(recorder.messages.map((m) => m.value).sort(), ['a', 'b']);
    await assert.rejects(client.startTail({ topics: [], topicPattern: '^nothing-matches-this-', fromBeginning: true }, new Recorder()), /matches no topic/);
  });

  it('a pattern tail picks up matching topics created later, from their start, without repeating or losing the others', async () => {
    const stem = `it-tail-rescan-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: `${stem}-a`, partitions: 2, replicationFactor: 1 });
    await client.produce(`${stem}-a`, [{ value: 'a0', partition: 0 }, { value: 'a1', partition: 1 }]);
    const { session, recorder } = await tail({ topics: [], topicPattern: `^${stem}-`, fromBeginning: false, start: 'latest' });
    const tailing = session as KafkaTailSession;
    assert.deepEqual(await tailing.rescanTopics(), [], 'nothing new yet');
    await client.produce(`${stem}-a`, [{ value: 'a2', partition: 0 }, { value: 'a3', partition: 1 }]);
    await waitUntil(() => recorder.messages.length >= 2, { ...WAIT, what: 'the messages after the start' });

    await client.createTopic({ name: `${stem}-b`, partitions: 1, replicationFactor: 1 });
    await client.produce(`${stem}-b`, [{ value: 'b0' }, { value: 'b1' }]);
    await client.createTopic({ name: `other-${stem}`, partitions: 1, replicationFactor: 1 });
    // Written while the consumer restarts with the new subscription: must arrive once.
    const writing = (async () => {
      for (let n = 4; n < 14; n++) {
        await client.produce(`${stem}-a`, [{ value: `a${n}`, partition: n % 2 }]);
      }
    })();
    assert.deepEqual(await tailing.rescanTopics(), [`${stem}-b`]);
    await writing;
    assert.deepEqual(session.topics, [`${stem}-a`, `${stem}-b`]);
    await client.produce(`${stem}-b`, [{ value: 'b2' }]);
    await waitUntil(() => recorder.messages.length >= 15, { ...WAIT, what: 'every message of both topics' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = recorder.messages.map((m) => `${m.topic.slice(stem.length + 1)}:${m.partition}:${m.offset}=${m.value}`).sort();
    const expectedA = Array.from({ length: 12 }, (_, i) => i + 2).map((n) => `a:${n % 2}:${Math.floor(n / 2)}=a${n}`);
    assert.deepEqual(seen, [...expectedA, 'b:0:0=b0', 'b:0:1=b1', 'b:0:2=b2'].sort());
    assert.ok(!recorder.states.includes('connecting', 2), `no reconnecting while adding the topic: ${recorder.states.join(', ')}`);
  });

  it('pull mode fetches nothing between polls, then exactly the N asked for; push streams', async () => {
    const topic = uniqueTopic('pull');
    await fill(topic, 10, Date.now());
    const pull = await tail({ topics: [topic], fromBeginning: true, mode: 'pull' });
    const push = await tail({ topics: [topic], fromBeginning: true, mode: 'push' });
    const pulling = pull.session as KafkaTailSession;
    await waitUntil(() => push.recorder.messages.length >= 20, { ...WAIT, what: 'push to stream all 20' });
    // Joined and heartbeating, yet not one fetch request while paused.
    await waitUntil(() => pulling.heartbeats >= 1, { ...WAIT, what: 'the pull consumer to heartbeat' });
    assert.equal(pulling.fetchRequests, 0);
    assert.equal(pull.recorder.messages.length, 0);
    assert.equal((await pull.session.refreshLag()).total, 20);

    assert.equal(await pull.session.fetchNext(5), 5);
    assert.equal(pull.recorder.messages.length, 5);
    assert.equal(pull.recorder.lag?.total, 15);
    const fetchesAfterPoll = pulling.fetchRequests;
    const beats = pulling.heartbeats;
    await waitUntil(() => pulling.heartbeats >= beats + 2, { ...WAIT, what: 'two more heartbeats between polls' });
    assert.equal(pull.recorder.messages.length, 5, 'messages arrived between polls');
    assert.equal(pulling.fetchRequests, fetchesAfterPoll, 'fetch requests were sent between polls');

    assert.equal(await pull.session.fetchNext(100), 15, 'a pull stops when it catches up');
    assert.equal(await pull.session.fetchNext(10), 0);
    const offsets = pull.recorder.seen();
    assert.equal(new Set(offsets).size, 20, 'no duplicates');
  });

  it('idle long polls, a paused push tail and a pull tail between polls never report reconnecting', async () => {
    const topic = uniqueTopic('idle');
    await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    const idle = await tail({ topics: [topic], fromBeginning: false });
    const paused = await tail({ topics: [topic], fromBeginning: false });
    const pull = await tail({ topics: [topic], fromBeginning: false, mode: 'pull' });
    await waitUntil(() => [idle, paused, pull].every((t) => t.recorder.states.includes('running')), { ...WAIT, what: 'three tails to run' });
    paused.session.pause();
    // Longer than the fetch-health limits (a broker silent for 1 s, no heartbeat for 3 s).
    const beats = (pull.session as KafkaTailSession).heartbeats;
    await waitUntil(() => (pull.session as KafkaTailSession).heartbeats >= beats + 4, { ...WAIT, what: 'four more heartbeats' });
    assert.equal(await pull.session.fetchNext(5), 0);
    assert.deepEqual(idle.recorder.states, ['connecting', 'running']);
    assert.deepEqual(paused.recorder.states, ['connecting', 'running', 'paused']);
    assert.deepEqual(pull.recorder.states, ['connecting', 'running']);
    paused.session.resume();
    await client.produce(topic, [{ value: 'after', partition: 1 }]);
    await waitUntil(() => idle.recorder.messages.length === 1 && paused.recorder.messages.length === 1, { ...WAIT, what: 'the new message' });
    assert.deepEqual(paused.recorder.states, ['connecting', 'running', 'paused', 'running']);
  });

  it('broadcast leaves no group behind; a shared group splits partitions and commits', async () => {
    const topic = uniqueTopic('share');
    await fill(topic, 4, Date.now());
    const admin = independent.admin();
    await admin.connect();
    try {
      const broadcast = await tail({ topics: [topic], fromBeginning: true });
      assert.equal(broadcast.session.identity.kind, 'broadcast');
      await waitUntil(() => broadcast.recorder.messages.length >= 8, { ...WAIT, what: 'broadcast to read all' });
      await broadcast.session.stop();
      const { groups } = await admin.listGroups();
      assert.equal(groups.some((g) => g.groupId === broadcast.session.identity.groupId), false, 'the broadcast group is left on the cluster');

      const group = `it-tail-shared-${randomUUID().slice(0, 8)}`;
      const first = await tail({ topics: [topic], fromBeginning: true, start: 'earliest', group });
      const second = await tail({ topics: [topic], fromBeginning: true, start: 'earliest', group });
      assert.deepEqual(first.session.identity, { kind: 'shared', groupId: group });
      await waitUntil(
        async () => {
          const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
          return offsets[0].partitions.every((p) => p.offset === '4');
        },
        { timeoutMs: 60_000, what: 'the shared group to commit both partitions' },
      );
      const all = [...first.recorder.messages, ...second.recorder.messages];
      assert.deepEqual(new Set(all.map((m) => `${m.partition}:${m.offset}`)).size, 8, 'every message reached the group once at least');
      const description = await admin.describeGroups([group]);
      assert.equal(description.groups[0].members.length, 2, 'both panels are members of the shared group');
      await first.session.stop();
      await second.session.stop();
      const after = await admin.listGroups();
      assert.ok(after.groups.some((g) => g.groupId === group), 'a shared group stays (with its commits)');
      await admin.deleteGroups([group]);
    } finally {
      await admin.disconnect();
    }
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`decodes batches kcat compressed with ${codec}`, async () => {
      const topic = uniqueTopic(codec);
      await client.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      const values = Array.from({ length: 20 }, (_, i) => JSON.stringify({ codec, i, text: 'ü'.repeat(i) }));
      await kcatProduce(cluster.bootstrapServers, topic, values.map((value) => ({ value, partition: 0 })), { compression: codec });
      const { recorder } = await tail({ topics: [topic], fromBeginning: true });
      await waitUntil(() => recorder.messages.length >= 20, { ...WAIT, what: `20 ${codec} messages` });
      assert.deepEqual(recorder.messages.map((m) => m.value), values);
      assert.ok(recorder.messages.every((m) => !m.valueBinary));
    });
  }
});
