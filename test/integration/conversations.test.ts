import * as assert from 'node:assert/strict';
import { headerValue } from '../../src/core/conversationTransport';
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type { ClusterDefinition } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { PRESETS, correlationKey, formatCorrelationId, knownCorrelationHeaders } from '../../src/conversations/conventions';
import { ReplyTimeout, RequestReplyCorrelator } from '../../src/conversations/correlator';
import { RESPONDER_GROUP_PREFIX, ResponderEngine } from '../../src/conversations/responder';
import { traceConversation } from '../../src/conversations/trace';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION } from '../harness/kafkaCluster';
import { waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

function definition(servers: string): ClusterDefinition {
  return { id: randomUUID(), name: 'conversations', kind: 'kafka', bootstrapServers: servers.split(',') };
}

function uniqueTopic(label: string): string {
  return `it-conv-${label}-${randomUUID().slice(0, 8)}`;
}

describe(`Conversations against a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let client: KafkaClusterClient;
  let admin: Admin;
  let producer: Producer;
  const cleanups: (() => Promise<void>)[] = [];

  before(async function () {
    this.timeout(240_000);
    const cluster = await sharedCluster();
    client = new KafkaClusterClient(definition(cluster.bootstrapServers), { logger: silentLogger, requestTimeoutMs: 20_000 });
    const independent = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    admin = independent.admin();
    producer = independent.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterEach(async () => {
    await Promise.allSettled(cleanups.splice(0).map((c) => c()));
  });

  after(async () => {
    await client?.dispose();
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
  });

  async function topics(...labels: string[]): Promise<string[]> {
    const names = labels.map(uniqueTopic);
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: true });
    return names;
  }

  async function responder(requestTopic: string, template: string, preset = PRESETS.plain): Promise<ResponderEngine> {
    const engine = new ResponderEngine(client.conversations(), { requestTopic, template, convention: preset }, silentLogger);
    cleanups.push(() => engine.stop());
    await engine.start();
    return engine;
  }

  function correlator(replyTopic: string, preset = PRESETS.plain): RequestReplyCorrelator {
    const c = new RequestReplyCorrelator(client.conversations(), replyTopic, preset, silentLogger);
    cleanups.push(() => c.stop());
    return c;
  }

  it('round trip: the responder answers on the reply topic with the same correlation id and request fields', async () => {
    const [requests, replies] = await topics('req', 'rep');
    await responder(requests, '{"orderId": "{{request.value.orderId}}", "for": "{{request.key}}", "tenant": "{{request.headers.tenant}}", "id": "{{uuid}}"}');
    const trip = await correlator(replies).request({
      topic: requests,
      key: 'customer-7',
      value: '{"orderId": 42}',
      headers: { tenant: 'acme' },
      correlationId: Buffer.from('conv-1'),
      timeoutMs: 30_000,
    });
    assert.equal(trip.reply.topic, replies);
    assert.equal(headerValue(trip.reply.headers, 'correlation-id')?.toString(), 'conv-1');
    assert.equal(trip.reply.key?.toString(), 'customer-7');
    const body = JSON.parse(trip.reply.value!.toString()) as Record<string, unknown>;
    assert.deepEqual([body.orderId, body.for, body.tenant], [42, 'customer-7', 'acme']);
    assert.match(String(body.id), /^[0-9a-f-]{36}$/);
    assert.ok(trip.roundTripMs >= 0 && trip.roundTripMs < 30_000, `round trip ${trip.roundTripMs} ms`);
  });

  it('50 concurrent requests over one reply consumer each get their own reply', async () => {
    const [requests, replies] = await topics('req50', 'rep50');
    await responder(requests, '{"echo": "{{request.value.n}}", "cid": "{{correlationId}}"}');
    const channel = correlator(replies);
    const trips = await Promise.all(
      Array.from({ length: 50 }, (_, n) => channel.request({ topic: requests, value: JSON.stringify({ n }), timeoutMs: 45_000 })),
    );
    trips.forEach((trip, n) => {
      const body = JSON.parse(trip.reply.value!.toString()) as { echo: number; cid: string };
      assert.equal(body.echo, n, `request ${n} got the reply of request ${body.echo}`);
      assert.equal(body.cid, trip.correlationId.toString());
      assert.ok(headerValue(trip.reply.headers, 'correlation-id')?.equals(trip.correlationId));
    });
    assert.equal(new Set(trips.map((t) => correlationKey(t.correlationId))).size, 50);
    assert.equal(channel.inFlight, 0);
  });

  it('reports a timeout when no responder runs', async () => {
    const [requests, replies] = await topics('req-none', 'rep-none');
    const channel = correlator(replies);
    await assert.rejects(channel.request({ topic: requests, value: 'anyone?', timeoutMs: 1_500 }), (error: unknown) => {
      assert.ok(error instanceof ReplyTimeout);
      assert.match(error.message, /No reply arrived on ".*" within 1500 ms/);
      return true;
    });
    assert.equal(channel.inFlight, 0);
  });

  it('matches a Spring-style binary correlation id (16 raw bytes in kafka_correlationId)', async () => {
    const [requests, replies] = await topics('req-spring', 'rep-spring');
    await responder(requests, 'pong {{request.value}}', PRESETS.spring);
    const channel = correlator(replies, PRESETS.spring);
    const id = randomBytes(16);
    id[0] = 0xff; // certainly not UTF-8 text
    const trip = await channel.request({ topic: requests, value: 'ping', correlationId: id, timeoutMs: 30_000 });
    assert.equal(headerValue(trip.reply.headers, 'kafka_correlationId')?.length, 16);
    assert.ok(headerValue(trip.reply.headers, 'kafka_correlationId')?.equals(id));
    assert.equal(trip.reply.value?.toString(), 'pong ping');
    assert.match(formatCorrelationId(trip.correlationId), /^ff[0-9a-f]{6}-[0-9a-f]{4}-/);
  });

  it('traces a 4-step saga across 3 topics in time order with the latencies between steps', async () => {
    const [orders, payments, shipping] = await topics('orders', 'payments', 'shipping');
    const id = randomUUID();
    const base = Date.now() - 60_000;
    const step = (topic: string, offsetMs: number, value: string, headers: Record<string, Buffer | string>) =>
      producer.send({ topic, messages: [{ key: 'order-1', value, headers, timestamp: String(base + offsetMs) }] });
    // Produced out of order, with noise from another conversation and one step in Spring's binary form.
    await step(payments, 120, 'payment requested', { 'correlation-id': id });
    await step(orders, 0, 'order placed', { 'correlation-id': id });
    await step(orders, 50, 'other order', { 'correlation-id': randomUUID() });
    await step(shipping, 1_000, 'shipped', { 'correlation-id': id });
    await step(payments, 370, 'payment done', { kafka_correlationId: Buffer.from(id.replace(/-/g, ''), 'hex') });
    await step(shipping, 5_000, 'outside the window', { 'correlation-id': id });

    const trace = await traceConversation(client.conversations(), {
      correlationId: id,
      topics: [orders, payments, shipping],
      headerNames: knownCorrelationHeaders(),
      fromTime: base - 1_000,
      toTime: base + 2_000,
      timeoutMs: 30_000,
    });
    assert.equal(trace.complete, true);
    assert.deepEqual(
      trace.steps.map((s) => [s.step, s.topic, s.value, s.latencyMs, s.elapsedMs]),
      [
        [1, orders, 'order placed', 0, 0],
        [2, payments, 'payment requested', 120, 120],
        [3, payments, 'payment done', 250, 370],
        [4, shipping, 'shipped', 630, 1_000],
      ],
    );
    assert.equal(trace.steps[2].header, 'kafka_correlationId');
    assert.equal(trace.totalMs, 1_000);
    assert.ok(trace.steps.every((s) => s.key === 'order-1' && /^\d+$/.test(s.offset)));
    const { groups } = await admin.listGroups();
    assert.equal(groups.some((g) => g.groupId.startsWith('mq-explorer-trace-')), false, 'the trace left its group behind');
  });

  it('the responder leaves no consumer group behind after it stops', async () => {
    const [requests, replies] = await topics('req-gone', 'rep-gone');
    const engine = await responder(requests, 'ok');
    const groupId = engine.groupId!;
    assert.ok(groupId.startsWith(RESPONDER_GROUP_PREFIX));
    await correlator(replies).request({ topic: requests, value: 'x', timeoutMs: 30_000 });
    await waitUntil(async () => (await admin.listGroups()).groups.some((g) => g.groupId === groupId), {
      timeoutMs: 10_000,
      what: 'the responder group to be listed',
    });
    await engine.stop();
    assert.equal(engine.state, 'stopped');
    const { groups } = await admin.listGroups();
    assert.equal(groups.some((g) => g.groupId === groupId), false, 'the responder group is still on the cluster');
    assert.deepEqual(engine.stats.replied, 1);
  });
});
