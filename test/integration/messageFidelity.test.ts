/**
 * Message fidelity against a real broker, with kcat as the independent producer and reader: null
 * and empty header values, repeated interleaved header names, header bytes that are not UTF-8, null
 * and empty keys, binary values. The tail must deliver them exactly, and what Export (JSON, JSONL,
 * CSV) and Copy as Envelope write must produce back (per-message path and bulk path) records that
 * kcat shows byte-identical.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { OutgoingMessage, TailMessage } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { PRESETS, formatCorrelationId, knownCorrelationHeaders } from '../../src/conversations/conventions';
import { traceConversation } from '../../src/conversations/trace';
import { RequestReplyCorrelator } from '../../src/conversations/correlator';
import { ResponderEngine } from '../../src/conversations/responder';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { produceJsonlFile } from '../../src/produce/bulkPipeline';
import { isPerMessageSendError } from '../../src/produce/pipeline';
import { isIssue, parseText } from '../../src/produce/shapes';
import { type ExportFormat, exportToString, parseCsv } from '../../src/tail/exportRecords';
import { RecordStore } from '../../src/tail/recordStore';
import { envelopeOf } from '../../src/webview/tailDetails';
import { DEFAULT_KAFKA_VERSION, type KafkaCluster } from '../harness/kafkaCluster';
import { type KcatMessage, type KcatRawRecord, kcatConsumeRaw, kcatProduce } from '../harness/kcat';
import { makeTempDir, removeDir, waitUntil } from '../harness/util';
import { sharedCluster } from './sharedCluster';

// No 0x00: an argument (kcat -H) cannot hold one.
const NOT_UTF8 = Buffer.from([0xff, 0xfe, 0x80, 0x41]);
const BINARY_VALUE = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xc3]);

/** What kcat produces: every case of the issue, in three records. */
const SOURCE: KcatMessage[] = [
  {
    key: 'k1',
    value: '{"id":12345678901234567890,"text":"é ✓"}',
    // Interleaved repeats, a null value, an empty value, bytes that are not UTF-8, and an
    // integer-like name after others (a JavaScript object would move it first).
    headers: [
      ['a', '1'],
      ['n', null],
      ['b', ''],
      ['a', '2'],
      ['bin', NOT_UTF8],
      ['7', 'x'],
    ],
  },
  // An empty key (zero bytes), a binary value, a name repeated next to itself with a null between.
  { key: '', value: BINARY_VALUE, headers: [['x', '1'], ['x', null], ['x', '3']] },
  // No key at all (null), no headers.
  { value: 'plain' },
];

/** The parts kcat shows that a produce must reproduce exactly. */
function content(r: KcatRawRecord): unknown {
  return { key: r.key, value: r.value, headers: r.headers };
}

describe(`Message fidelity against a real broker, cross-checked with kcat (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let dir: string;
  let source: string;
  let original: KcatRawRecord[];
  let tailed: TailMessage[];

  async function topic(label: string): Promise<string> {
    const name = `it-fidelity-${label}-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name, partitions: 1, replicationFactor: 1 });
    return name;
  }

  before(async function () {
    this.timeout(240_000);
    cluster = await sharedCluster();
    client = new KafkaClusterClient(
      { id: randomUUID(), name: 'fidelity', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger, requestTimeoutMs: 30_000 },
    );
    dir = makeTempDir('fidelity-it');
    source = await topic('source');
    await kcatProduce(cluster.bootstrapServers, source, SOURCE);
    original = await kcatConsumeRaw(cluster.bootstrapServers, source, SOURCE.length);
  });

  after(async () => {
    await client?.dispose();
    removeDir(dir);
  });

  it('kcat wrote what the test means (the independent reference)', () => {
    assert.deepEqual(original[0].headers, [
      ['a', Buffer.from('1')],
      ['n', null],
      ['b', Buffer.alloc(0)],
      ['a', Buffer.from('2')],
      ['bin', NOT_UTF8],
      ['7', Buffer.from('x')],
    ]);
    assert.deepEqual([original[1].key, original[1].value], [Buffer.alloc(0), BINARY_VALUE]);
    assert.deepEqual([original[2].key, original[2].headers], [null, []]);
  });

  it('the tail delivers null and empty header values, repeats in order, binary headers, and null vs empty keys exactly', async () => {
    const seen: TailMessage[] = [];
    let failure: string | undefined;
    const session = await client.startTail(
      { topics: [source], fromBeginning: true },
      { onMessages: (batch) => seen.push(...batch), onState: (state, detail) => (state === 'failed' ? (failure = detail) : undefined) },
    );
    try {
      await waitUntil(() => seen.length >= SOURCE.length || failure !== undefined, { timeoutMs: 30_000, what: 'the tail to deliver the records' });
    } finally {
      await session.stop();
    }
    assert.equal(failure, undefined);
    tailed = seen;
    const [first, second, third] = seen;
    assert.deepEqual(first.headers, [
      { name: 'a', value: { text: '1', encoding: 'text' } },
      { name: 'n', value: null },
      { name: 'b', value: { text: '', encoding: 'text' } },
      { name: 'a', value: { text: '2', encoding: 'text' } },
      { name: 'bin', value: { text: NOT_UTF8.toString('base64'), encoding: 'base64' } },
      { name: '7', value: { text: 'x', encoding: 'text' } },
    ]);
    assert.equal(first.timestampType, 'CreateTime');
    assert.equal(first.key, 'k1');
    assert.deepEqual([second.key, second.keyBinary, second.value, second.valueBinary], ['', undefined, BINARY_VALUE.toString('base64'), true]);
    assert.deepEqual(second.headers.map((h) => h.value?.text ?? null), ['1', null, '3']);
    assert.deepEqual([third.key, third.headers.length], [null, 0]);
  });

  it('keeps the header order of records in compressed batches too (zstd from kcat)', async () => {
    const compressed = await topic('zstd');
    await kcatProduce(cluster.bootstrapServers, compressed, [SOURCE[0], { ...SOURCE[0], key: 'k2' }], { compression: 'zstd' });
    const seen: TailMessage[] = [];
    const session = await client.startTail({ topics: [compressed], fromBeginning: true }, { onMessages: (batch) => seen.push(...batch), onState: () => undefined });
    try {
      await waitUntil(() => seen.length >= 2, { timeoutMs: 30_000, what: 'the tail to deliver the compressed records' });
    } finally {
      await session.stop();
    }
    const names = seen.map((m) => m.headers.map((h) => `${h.name}=${h.value === null ? 'null' : h.value.text}`).join(' '));
    assert.deepEqual(names, Array(2).fill(`a=1 n=null b= a=2 bin=${NOT_UTF8.toString('base64')} 7=x`));
  });

  it('shows the timestamp type: LogAppendTime on a topic whose broker sets the time, in the tail and the export', async () => {
    const appendTime = `it-fidelity-logappend-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: appendTime, partitions: 1, replicationFactor: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } });
    await kcatProduce(cluster.bootstrapServers, appendTime, [{ key: 'k', value: 'v' }]);
    const [reference] = await kcatConsumeRaw(cluster.bootstrapServers, appendTime, 1);
    assert.equal(reference.timestampType, 'logappend');
    const seen: TailMessage[] = [];
    const session = await client.startTail({ topics: [appendTime], fromBeginning: true }, { onMessages: (batch) => seen.push(...batch), onState: () => undefined });
    try {
      await waitUntil(() => seen.length >= 1, { timeoutMs: 30_000, what: 'the tail to deliver the record' });
    } finally {
      await session.stop();
    }
    assert.deepEqual([seen[0].timestampType, seen[0].timestamp], ['LogAppendTime', reference.timestampMs]);
    const s = new RecordStore(1);
    s.append(seen);
    assert.equal((JSON.parse(exportToString(s.filtered(), 'jsonl')) as { timestampType: string }).timestampType, 'LogAppendTime');
  });

  /** The tailed records in a store, as the panel keeps them. */
  function store(): RecordStore {
    assert.ok(tailed, 'the tail test ran first');
    const s = new RecordStore(10);
    s.append(tailed);
    return s;
  }

  /** Messages of an exported or copied text, as the produce parser reads them. */
  function parsed(text: string, shape: 'json' | 'jsonl'): OutgoingMessage[] {
    const items = parseText(text, shape, { envelope: 'auto' });
    const problems = items.filter(isIssue);
    assert.deepEqual(problems, []);
    return items.filter((i) => !isIssue(i)).map((i) => (i as { message: OutgoingMessage }).message);
  }

  async function viaPerMessagePath(label: string, messages: OutgoingMessage[]): Promise<KcatRawRecord[]> {
    const target = await topic(label);
    await client.produce(target, messages);
    return kcatConsumeRaw(cluster.bootstrapServers, target, messages.length);
  }

  async function viaBulkPath(label: string, jsonl: string, count: number): Promise<KcatRawRecord[]> {
    const target = await topic(label);
    const file = path.join(dir, `${label}.jsonl`);
    fs.writeFileSync(file, jsonl);
    const sender = client.bulkProducer(target);
    try {
      const summary = await produceJsonlFile(file, target, sender, {
        batchSize: 100,
        maxInFlight: 1,
        partitionCount: 1,
        partitionForKey: keyPartitioner(1),
        isPerMessageError: isPerMessageSendError,
        shape: { envelope: 'auto' },
      });
      assert.deepEqual([summary.sent, summary.failed], [count, 0], JSON.stringify(summary));
    } finally {
      await sender.close();
    }
    return kcatConsumeRaw(cluster.bootstrapServers, target, count);
  }

  for (const format of ['json', 'jsonl'] as ExportFormat[]) {
    it(`an ${format.toUpperCase()} export produces back byte-identical records (per-message path), timestamps included`, async () => {
      const text = exportToString(store().filtered(), format);
      const back = await viaPerMessagePath(`export-${format}`, parsed(text, format === 'json' ? 'json' : 'jsonl'));
      assert.deepEqual(back.map(content), original.map(content));
      assert.deepEqual(back.map((r) => r.timestampMs), original.map((r) => r.timestampMs));
    });
  }

  it("kafkajs' producer writes what it can express (a name repeated next to itself, binary values) exactly", async () => {
    const messages = parsed('{"key":"","value":"3q0=","valueEncoding":"base64","headers":[["x","1"],["x",{"base64":"/w=="}],["y",""]]}', 'jsonl');
    const back = await viaPerMessagePath('kafkajs-path', messages);
    assert.deepEqual(back.map(content), [{ key: Buffer.alloc(0), value: Buffer.from([0xde, 0xad]), headers: [['x', Buffer.from('1')], ['x', Buffer.from([0xff])], ['y', Buffer.alloc(0)]] }]);
  });

  it('a JSONL export produces back byte-identical records through the bulk path', async () => {
    const back = await viaBulkPath('export-bulk', exportToString(store().filtered(), 'jsonl'), SOURCE.length);
    assert.deepEqual(back.map(content), original.map(content));
  });

  it('Copy as envelope produces back byte-identical records (per-message and bulk paths)', async () => {
    const s = store();
    const lines = [...s.filtered()].map((m) => envelopeOf(m));
    const perMessage = await viaPerMessagePath('envelope', parsed(lines.join('\n'), 'jsonl'));
    assert.deepEqual(perMessage.map(content), original.map(content));
    const bulk = await viaBulkPath('envelope-bulk', `${lines.join('\n')}\n`, lines.length);
    assert.deepEqual(bulk.map(content), original.map(content));
  });

  it('a CSV export marks each cell: its bytes, null key vs empty key, and headers in order are all recoverable', () => {
    const rows = parseCsv(exportToString(store().filtered(), 'csv'));
    const column = (name: string) => rows[0].indexOf(name);
    const bytes = (cell: string, encoding: string) => (encoding === 'null' ? null : Buffer.from(cell, encoding === 'base64' ? 'base64' : 'utf8'));
    const fromCsv = rows.slice(1).map((row) => {
      const headers = JSON.parse(row[column('headers')]) as Record<string, unknown> | [string, unknown][];
      const list = Array.isArray(headers) ? headers : Object.entries(headers);
      return {
        key: bytes(row[column('key')], row[column('keyEncoding')]),
        value: bytes(row[column('value')], row[column('valueEncoding')]),
        headers: list.map(([name, v]) => [name, v === null ? null : typeof v === 'string' ? Buffer.from(v) : Buffer.from((v as { base64: string }).base64, 'base64')]),
      };
    });
    assert.deepEqual(fromCsv, original.map(content));
    assert.deepEqual(rows.slice(1).map((r) => r[column('timestampType')]), ['CreateTime', 'CreateTime', 'CreateTime']);
  });

  it('a responder that receives a null header keeps answering', async () => {
    const [requests, replies] = [await topic('req'), await topic('rep')];
    const responder = new ResponderEngine(client.conversations(), { requestTopic: requests, template: 'ok {{request.value}}', convention: PRESETS.plain }, silentLogger);
    await responder.start();
    const correlator = new RequestReplyCorrelator(client.conversations(), replies, PRESETS.plain, silentLogger);
    try {
      // A request whose correlation header has no value, and one with a stray null header.
      await kcatProduce(cluster.bootstrapServers, requests, [
        { value: 'broken', headers: [['correlation-id', null], ['reply-to', replies]] },
        { value: 'odd', headers: [['x', null]] },
      ]);
      await waitUntil(() => responder.stats.received >= 2, { timeoutMs: 30_000, what: 'the responder to read both odd requests' });
      const trip = await correlator.request({ topic: requests, value: 'fine', headers: { extra: 'yes' }, timeoutMs: 30_000 });
      assert.equal(trip.reply.value?.toString(), 'ok fine');
      assert.equal(responder.stats.skipped, 2);
      // Trace Conversation reads the same topics, null headers and all, and finds request and reply.
      const trace = await traceConversation(client.conversations(), {
        correlationId: formatCorrelationId(trip.correlationId),
        topics: [requests, replies],
        headerNames: knownCorrelationHeaders(),
        fromTime: Date.now() - 120_000,
        toTime: Date.now() + 1_000,
        timeoutMs: 30_000,
      });
      assert.deepEqual(trace.steps.map((step) => step.topic), [requests, replies]);
    } finally {
      await correlator.stop();
      await responder.stop();
    }
  });
});
