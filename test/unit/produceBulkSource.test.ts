import * as assert from 'node:assert/strict';
import { type HeaderInput, headerList } from '../../src/core/message';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutgoingMessage, ProduceResult } from '../../src/core/brokerClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { RecordBatchBuilder, rebuildBatch, recordSpans } from '../../src/brokers/kafka/produce/recordBatch';
import { DeliveryUnknownError } from '../../src/core/errors';
import { type BulkBatch, type BulkOutcome, produceJsonlFile } from '../../src/produce/bulkPipeline';
import { JsonlChunkScanner, LINE_END_OF_CHUNK, LINE_FAST, openJsonl } from '../../src/produce/bulkSource';
import { type PipelineOptions, producePipeline } from '../../src/produce/pipeline';
import type { ShapeOptions } from '../../src/produce/shapes';
import { fileLines, jsonlItems } from '../../src/produce/source';
import { TemplateContext } from '../../src/produce/templates';
import { makeTempDir, removeDir } from '../harness/util';

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<{
  records: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer>; timestamp: string }[];
}>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Headers as name -> text, to compare both paths (these tests use unique text headers). */
function textHeaders(headers: HeaderInput | undefined): Record<string, string> | undefined {
  return headers === undefined ? undefined : Object.fromEntries(headerList(headers).map((h) => [h.name, h.value?.text ?? '(null)']));
}

function withTextHeaders<T extends { headers?: HeaderInput }>(m: T): Omit<T, 'headers'> & { headers?: Record<string, string> } {
  const { headers, ...rest } = m;
  return headers === undefined ? rest : { ...rest, headers: textHeaders(headers) };
}

/** One message or problem, as both paths must report it. */
type Seen = { line: number; column: number; value?: string | null; key?: string; headers?: Record<string, string>; partition?: number; timestamp?: string; problem?: string };

/** What the ordinary path (readline, parseJsonlLine) makes of a file. */
async function ordinary(file: string, shape: ShapeOptions): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const item of jsonlItems(fileLines(file), shape)) {
    seen.push('kind' in item ? { line: item.line, column: item.column, problem: item.message } : { line: item.line, column: item.column, ...withTextHeaders(item.message) });
  }
  return seen;
}

/** What the bulk scanner makes of it: fast lines are their own bytes. */
async function scanned(file: string, shape: ShapeOptions, chunkBytes?: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  const handle = await openJsonl(file);
  try {
    const scanner = new JsonlChunkScanner(handle, shape, chunkBytes);
    while (await scanner.refill()) {
      for (let kind = scanner.next(); kind !== LINE_END_OF_CHUNK; kind = scanner.next()) {
        if (kind === LINE_FAST) {
          const value = scanner.buf.toString('utf8', scanner.valueStart, scanner.valueEnd);
          assert.equal(scanner.textLength, value.length, `UTF-16 length of line ${scanner.line}`);
          seen.push({ line: scanner.line, column: scanner.column, value });
          shape.templates?.next();
        } else {
          const item = scanner.item!;
          seen.push('kind' in item ? { line: item.line, column: item.column, problem: item.message } : { line: item.line, column: item.column, ...withTextHeaders(item.message) });
          if (!('kind' in item)) {
            shape.templates?.next();
          }
        }
      }
    }
  } finally {
    await handle.close();
  }
  return seen;
}

describe('produce bulk: reading JSONL files', () => {
  let dir: string;
  before(() => (dir = makeTempDir('produce-bulk-unit')));
  after(() => removeDir(dir));

  const tricky = Buffer.concat([
    Buffer.from('\uFEFF{"bom":true}\n// @topic x\n{"a":1}\n\n   \n   {"a":2}\r\n{"b":"é ✓ 😀"}\n'),
    Buffer.from('{"value":{"n":1},"key":"k1","headers":{"h":"v","n":2}}\n{"value":"v","partition":1}\n{"value":"t","timestamp":1700000000000}\n'),
    Buffer.from('{"c":"{{seq}}"}\n{bad json\n  {"a":1,}\n{"value":null}\n{"d":1}\r{"e":2}\r\r\n\t{"f":[1,2,{"g":null}]}\t\n\x0b{"v":1}\f\n'),
    Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"value":1,"other":2}\n# hash comment\n\u00a0{"nbsp":1}\n'),
    Buffer.from(`${'['.repeat(300)}${']'.repeat(300)}\n{"long":"${'y'.repeat(5000)}"}\n"just a string"\n42\n{"va\\u006cue":"escaped name"}\n{"last":"no newline"}`),
  ]);

  for (const chunkBytes of [1, 2, 3, 7, 64, undefined]) {
    it(`reads every line as the ordinary path does (lines, columns, values, problems), chunks of ${chunkBytes ?? 'default'} bytes`, async () => {
      const file = path.join(dir, `tricky-${chunkBytes}.jsonl`);
      fs.writeFileSync(file, tricky);
      for (const shape of [{ envelope: 'auto' }, { envelope: 'never' }, { envelope: 'always' }] as ShapeOptions[]) {
        assert.deepEqual(await scanned(file, shape, chunkBytes), await ordinary(file, shape), shape.envelope);
      }
      const [a, b] = await Promise.all([scanned(file, { envelope: 'auto', templates: new TemplateContext() }, chunkBytes), ordinary(file, { envelope: 'auto', templates: new TemplateContext() })]);
      assert.deepEqual(a, b);
      assert.ok(a.some((s) => s.value === '{"c":8}'), 'the placeholder is expanded with the message count');
    });
  }

  it('handles CRLF files, a file without a final newline, blank-only files and an empty file', async () => {
    const cases: [string, Seen[]][] = [
      ['{"a":1}\r\n{"a":2}\r\n', [{ line: 0, column: 0, value: '{"a":1}' }, { line: 1, column: 0, value: '{"a":2}' }]],
      ['{"a":1}\n  {"a":2}', [{ line: 0, column: 0, value: '{"a":1}' }, { line: 1, column: 2, value: '{"a":2}' }]],
      ['\n\n  \n', []],
      ['', []],
    ];
    for (const [text, expected] of cases) {
      const file = path.join(dir, 'case.jsonl');
      fs.writeFileSync(file, text);
      for (const chunkBytes of [1, 4, undefined]) {
        assert.deepEqual(await scanned(file, { envelope: 'auto' }, chunkBytes), expected, JSON.stringify(text));
      }
    }
  });

  it('reports malformed JSON at the line and column (and with the words) of the ordinary path', async () => {
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(file, '{"a":1}\n  {"a":2,}\n{"a":3}\n[1 2]\n');
    const problems = (await scanned(file, { envelope: 'auto' }, 5)).filter((s) => s.problem);
    assert.deepEqual(problems.map((p) => [p.line, p.column]), [[1, 9], [3, 3]]);
    assert.match(problems[0].problem!, /^Malformed JSON/);
  });
});

/** A stand-in for the broker that keeps every partition's log, for both paths' send functions. */
class FakeBroker {
  readonly logs = new Map<number, Seen[]>();
  constructor(private readonly refuse: (value: string) => boolean = () => false) {}

  private append(partition: number, records: Seen[]): string {
    const log = this.logs.get(partition) ?? [];
    this.logs.set(partition, log);
    log.push(...records);
    return String(log.length - records.length);
  }

  /** producePipeline's send: all or nothing, one result per partition. */
  send = (messages: OutgoingMessage[]): Promise<ProduceResult[]> => {
    if (messages.some((m) => this.refuse(m.value ?? ""))) {
      return Promise.reject(new Error('the message is larger than the topic\'s max.message.bytes'));
    }
    const byPartition = new Map<number, Seen[]>();
    for (const m of messages) {
      const list = byPartition.get(m.partition!) ?? [];
      byPartition.set(m.partition!, list);
      list.push({ line: 0, column: 0, value: m.value, key: m.key, headers: textHeaders(m.headers), timestamp: m.timestamp });
    }
    return Promise.resolve([...byPartition].map(([partition, records]) => ({ topic: 't', partition, offset: this.append(partition, records) })));
  };

  /** The bulk path's sender: each partition's batch decoded with kafkajs' own decoder. */
  bulk = {
    newBatch: (capacity: number) => new RecordBatchBuilder(capacity),
    sliceBatch: (batch: Buffer, from: number, to: number) => rebuildBatch(batch, recordSpans(batch).slice(from, to)),
    send: async (batches: BulkBatch[]): Promise<BulkOutcome[]> =>
      Promise.all(
        batches.map(async ({ partition, batch, count }) => {
          const { records } = await decodeRecordBatch(new KafkajsDecoder(batch));
          assert.equal(records.length, count);
          const seen = records.map((r) => ({
            line: 0,
            column: 0,
            value: r.value === null ? null : r.value.toString(),
            key: r.key?.toString(),
            headers: Object.keys(r.headers).length > 0 ? Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])) : undefined,
            // Explicit timestamps only (the others are the clock's).
            timestamp: Number(r.timestamp) < 1_700_000_000_001 ? r.timestamp : undefined,
          }));
          if (seen.some((s) => this.refuse(s.value ?? ''))) {
            return { partition, error: new Error('the message is larger than the topic\'s max.message.bytes') };
          }
          return { partition, offset: this.append(partition, seen) };
        }),
      ),
  };
}

describe('produce bulk: the pipeline against producePipeline', () => {
  let dir: string;
  before(() => (dir = makeTempDir('produce-bulk-pipeline')));
  after(() => removeDir(dir));

  const lines = Array.from({ length: 3000 }, (_, i) =>
    i % 97 === 5
      ? `{"key":"k-${i % 13}","value":{"i":${i}},"headers":{"n":"${i}"}}`
      : i % 101 === 7
        ? `{"value":"p${i}","partition":${i % 4},"timestamp":${1_600_000_000_000 + i}}`
        : i % 211 === 3
          ? '{broken'
          : i % 173 === 11
            ? `{"key":"k-${i % 13}","value":null}`
          : i % 50 === 9
            ? `{"i":${i},"seq":"{{seq}}","big":"${'b'.repeat(i % 400 === 9 ? 3000 : 1)}"}`
            : `{"i":${i},"text":"line ${'é'.repeat(i % 5)}"}`,
  );

  const base = (extra: Partial<PipelineOptions> = {}): PipelineOptions => ({
    batchSize: 7,
    maxBatchBytes: 900,
    maxInFlight: 3,
    partitionCount: 4,
    partitionForKey: keyPartitioner(4),
    isPerMessageError: (e) => /larger than/.test(String(e)),
    ...extra,
  });

  async function both(refuse?: (value: string) => boolean, extra: Partial<PipelineOptions> = {}) {
    const file = path.join(dir, 'mixed.jsonl');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const theirs = new FakeBroker(refuse);
    const ours = new FakeBroker(refuse);
    const expected = await producePipeline(jsonlItems(fileLines(file), { envelope: 'auto', templates: new TemplateContext() }), 't', theirs.send, base(extra));
    const actual = await produceJsonlFile(file, 't', ours.bulk, { ...base(extra), shape: { envelope: 'auto', templates: new TemplateContext() }, requestBytes: 6000, chunkBytes: 4096 });
    return { expected, actual, theirs, ours };
  }

  it('gives the same summary and writes the same messages to the same partitions, in order', async () => {
    const { expected, actual, theirs, ours } = await both();
    assert.deepEqual(actual, expected);
    assert.equal(actual.sent + actual.failed, 3000);
    assert.deepEqual([...ours.logs.entries()].sort(), [...theirs.logs.entries()].sort());
    const tombstones = [...ours.logs.values()].flat().filter((r) => r.value === null);
    assert.equal(tombstones.length, lines.filter((l) => l.endsWith('"value":null}')).length);
    assert.ok(tombstones.length > 10 && tombstones.every((t) => t.key?.startsWith('k-')));
  });

  it('isolates the messages the broker refuses and sends the rest of their batches, as producePipeline does', async () => {
    const { expected, actual, theirs, ours } = await both((value) => value.length > 2000);
    assert.deepEqual(actual, expected);
    assert.ok(actual.failures.some((f) => /max\.message\.bytes/.test(f.reason)));
    assert.deepEqual([...ours.logs.entries()].sort(), [...theirs.logs.entries()].sort());
  });

  it('stops reading when cancelled and reports exactly what was written', async () => {
    const file = path.join(dir, 'cancel.jsonl');
    fs.writeFileSync(file, `${Array.from({ length: 5000 }, (_, i) => `{"i":${i}}`).join('\n')}\n`);
    const broker = new FakeBroker();
    let sent = 0;
    const summary = await produceJsonlFile(file, 't', broker.bulk, {
      ...base({ batchSize: 100, maxInFlight: 1 }),
      shape: { envelope: 'auto' },
      requestBytes: 4096,
      chunkBytes: 1024,
      onProgress: (p) => (sent = p.sent),
      isCancelled: () => sent >= 1000,
    });
    assert.equal(summary.cancelled, true);
    const written = [...broker.logs.values()].reduce((n, log) => n + log.length, 0);
    assert.ok(summary.sent >= 1000 && summary.sent < 5000, `sent ${summary.sent}`);
    assert.equal(written, summary.sent);
    assert.equal(summary.ranges.reduce((n, r) => n + r.count, 0), summary.sent);
  });

  it('a request written without an answer makes its lines unknown (never failed), and the rest not tried', async () => {
    const file = path.join(dir, 'lost.jsonl');
    fs.writeFileSync(file, `${Array.from({ length: 5000 }, (_, i) => `{"i":${i}}`).join('\n')}\n`);
    const broker = new FakeBroker();
    let requests = 0;
    let lost = 0;
    const lossy = {
      newBatch: broker.bulk.newBatch,
      sliceBatch: broker.bulk.sliceBatch,
      send: async (batches: BulkBatch[]): Promise<BulkOutcome[]> => {
        if (++requests === 4) {
          lost = batches.reduce((n, b) => n + b.count, 0);
          return batches.map((b) => ({ partition: b.partition, error: new DeliveryUnknownError('the connection closed'), unknown: true }));
        }
        return broker.bulk.send(batches);
      },
    };
    const summary = await produceJsonlFile(file, 't', lossy, { ...base({ batchSize: 100, maxInFlight: 1 }), shape: { envelope: 'auto' }, requestBytes: 4096, chunkBytes: 1024 });
    const written = [...broker.logs.values()].reduce((n, log) => n + log.length, 0);
    assert.deepEqual([summary.sent, summary.failed, summary.unknown], [written, 0, lost]);
    assert.equal(summary.sent + summary.unknown + summary.notTried, 5000);
    assert.equal(summary.firstNotTried?.line, summary.sent + summary.unknown, 'not tried: every line after the lost request');
    assert.deepEqual(summary.unknowns.map((u) => u.line), Array.from({ length: lost }, (_, i) => summary.sent + i));
    assert.equal(summary.stoppedBy, 'the connection closed');
  });

  it('fails messages for a partition the topic does not have, in both paths', async () => {
    const file = path.join(dir, 'partition.jsonl');
    fs.writeFileSync(file, '{"value":"a","partition":0}\n{"value":"b","partition":9}\n{"c":1}\n');
    const expected = await producePipeline(jsonlItems(fileLines(file), { envelope: 'auto' }), 't', new FakeBroker().send, base());
    const actual = await produceJsonlFile(file, 't', new FakeBroker().bulk, { ...base(), shape: { envelope: 'auto' } });
    assert.deepEqual(actual, expected);
    assert.deepEqual([actual.sent, actual.failures.map((f) => [f.line, f.reason])], [2, [[1, 'Partition 9 does not exist: the topic has 4 partitions (0 to 3).']]]);
  });
});
