import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { OutgoingMessage, ProduceResult } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { type BulkSender, produceJsonlFile } from '../../src/produce/bulkPipeline';
import { type ProduceProgress, type ProduceSummary, isPerMessageSendError, producePipeline } from '../../src/produce/pipeline';
import { fileLines, jsonlItems } from '../../src/produce/source';
import type { SourceIssue, SourceMessage } from '../../src/produce/types';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { kcatConsume } from '../harness/kcat';
import { makeTempDir, removeDir } from '../harness/util';

const TOTAL = 20_000;
const PARTITIONS = 3;
const NODE = 1;

/** Every tenth line an envelope with a key (parsed line by line), the others plain JSON (the bulk path's fast lines). */
function lineOf(i: number): string {
  return i % 10 === 0 ? JSON.stringify({ key: `k-${i % 97}`, value: { id: i, pad: 'e'.repeat(30) } }) : JSON.stringify({ id: i, pad: 'p'.repeat(40) });
}

/** When to kill the broker: in the run's first send (before any ack), or once this many messages are acknowledged. */
type KillPoint = { label: string; afterAcks: number };
const KILL_POINTS: KillPoint[] = [
  { label: 'before the first ack', afterAcks: 0 },
  { label: 'mid-file', afterAcks: TOTAL / 2 },
  { label: 'near the end', afterAcks: TOTAL - 1_500 },
];

describe(`Producing while the broker is killed: exact outcomes (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster;
  let client: KafkaClusterClient;
  let dir: string;
  let file: string;

  before(async function () {
    this.timeout(240_000);
    // Its own broker: the tests kill it.
    cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION, nodes: 1 });
    client = new KafkaClusterClient(
      { id: randomUUID(), name: 'faults', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger, requestTimeoutMs: 10_000 },
    );
    dir = makeTempDir('produce-faults-it');
    file = path.join(dir, 'lines.jsonl');
    fs.writeFileSync(file, `${Array.from({ length: TOTAL }, (_, i) => lineOf(i)).join('\n')}\n`);
  });

  after(async () => {
    await client?.dispose();
    await cluster?.stop();
    removeDir(dir);
  });

  /** Kills the broker once, at the first call (the signal goes out synchronously), and remembers the wait for its exit. */
  function killer(): { kill: () => void; dead: () => Promise<void> } {
    let dying: Promise<void> | undefined;
    return {
      kill: () => {
        dying ??= cluster.killNode(NODE);
      },
      // Resolves at once when no kill was asked for, else once the broker process has exited.
      dead: async () => {
        await dying;
      },
    };
  }

  const pipelineOptions = (onProgress?: (p: ProduceProgress) => void) => ({
    batchSize: 200,
    maxInFlight: 4,
    partitionCount: PARTITIONS,
    partitionForKey: keyPartitioner(PARTITIONS),
    isPerMessageError: isPerMessageSendError,
    onProgress,
  });

  /** The message pipeline over the lines `only` keeps (every line when absent). */
  async function viaMessages(
    topic: string,
    beforeSend: () => void,
    onProgress: (p: ProduceProgress) => void,
    only?: (line: number) => boolean,
    gate: () => Promise<void> = () => Promise.resolve(),
  ): Promise<ProduceSummary> {
    const items = jsonlItems(fileLines(file), { envelope: 'auto' });
    const source = only ? filterLines(items, only) : items;
    const send = async (messages: OutgoingMessage[]): Promise<ProduceResult[]> => {
      await gate();
      const sending = client.produce(topic, messages);
      beforeSend();
      return sending;
    };
    return producePipeline(source, topic, send, pipelineOptions(onProgress));
  }

  /** The bulk path over the whole file, with smaller requests so that a run has many. */
  async function viaBulk(
    topic: string,
    beforeSend: () => void,
    onProgress: (p: ProduceProgress) => void,
    beforeStart: (linesStarted: number) => Promise<void> = () => Promise.resolve(),
  ): Promise<ProduceSummary> {
    const sender = client.bulkProducer(topic, {});
    let started = 0;
    const watched: BulkSender = {
      newBatch: (capacity) => sender.newBatch(capacity),
      sliceBatch: (batch, from, to) => sender.sliceBatch(batch, from, to),
      send: async (batches) => {
        started += batches.reduce((n, b) => n + b.count, 0);
        await beforeStart(started);
        const sending = sender.send(batches);
        beforeSend();
        return sending;
      },
    };
    try {
      return await produceJsonlFile(file, topic, watched, { ...pipelineOptions(onProgress), batchSize: 500, requestBytes: 64 * 1024, shape: { envelope: 'auto' } });
    } finally {
      await sender.close();
    }
  }

  /** How many times each line id is on the topic (kcat, an independent client), once the broker answers again. */
  async function countsOnBroker(topic: string, atLeast: number): Promise<Map<number, number>> {
    for (let attempt = 1; ; attempt++) {
      const records = await kcatConsume(cluster.bootstrapServers, topic, { count: TOTAL * 2, exitAtEnd: true, timeoutMs: 60_000 });
      if (records.length >= atLeast || attempt >= 10) {
        const counts = new Map<number, number>();
        for (const r of records) {
          const id = (JSON.parse(r.value ?? 'null') as { id: number }).id;
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        return counts;
      }
    }
  }

  /**
   * The summary is exact: every line in one of the four outcomes; sent lines on the broker once,
   * failed and not-tried lines not at all, unknown ones at most once. Returns the unknown lines
   * kcat found.
   */
  function checkExact(summary: ProduceSummary, counts: Map<number, number>): number {
    assert.equal(summary.sent + summary.failed + summary.unknown + summary.notTried, TOTAL, 'sent + failed + unknown + not tried = lines');
    const failed = new Set(summary.failures.map((f) => f.line));
    const unknown = new Set(summary.unknowns.map((u) => u.line));
    const firstNotTried = summary.firstNotTried?.line ?? TOTAL;
    assert.equal(summary.notTried, TOTAL - firstNotTried, 'the lines not tried are those from the first one on');
    let unknownPresent = 0;
    for (let line = 0; line < TOTAL; line++) {
      const count = counts.get(line) ?? 0;
      if (line >= firstNotTried) {
        assert.equal(count, 0, `line ${line + 1} was not tried, yet it is on the broker`);
      } else if (failed.has(line)) {
        assert.equal(count, 0, `line ${line + 1} is reported failed, yet it is on the broker`);
      } else if (unknown.has(line)) {
        assert.ok(count <= 1, `line ${line + 1} (unknown) is on the broker ${count} times`);
        unknownPresent += count;
      } else {
        assert.equal(count, 1, `line ${line + 1} is reported sent, yet it is on the broker ${count} times`);
      }
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, summary.sent + unknownPresent, 'kcat reads the sent messages (and the unknown ones it found)');
    return unknownPresent;
  }

  it('idempotent producer, broker killed mid-file and restarted at once: its retries are safe, every line ends on the broker at most once and the summary says which', async function () {
    this.timeout(300_000);
    const topic = `it-faults-idempotent-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
    let restarted: Promise<void> | undefined;
    const onProgress = (p: ProduceProgress): void => {
      if (p.sent >= TOTAL / 2) {
        restarted ??= cluster.killNode(NODE).then(() => cluster.startNode(NODE));
      }
    };
    const items = jsonlItems(fileLines(file), { envelope: 'auto' });
    // As runProduce runs it: one batch in flight (kafkajs' idempotent producer keeps order only so).
    const summary = await producePipeline(items, topic, (messages) => client.produce(topic, messages, { idempotent: true }), { ...pipelineOptions(onProgress), maxInFlight: 1 });
    await restarted;
    const counts = await countsOnBroker(topic, summary.sent);
    const unknownPresent = checkExact(summary, counts);
    console.log(`      idempotent: ${summary.unknowns[0]?.reason ?? ""}`);
    console.log(`      idempotent: ${summary.sent} sent, ${summary.failed} failed, ${summary.unknown} unknown (${unknownPresent} on the broker), ${summary.notTried} not tried`);
  });

  for (const route of ['messages', 'bulk'] as const) {
    for (const point of KILL_POINTS) {
      it(`${route} path, broker killed ${point.label}: sent = what kcat reads; "Send the failed lines again" and continuing leave every line on the broker once`, async function () {
        this.timeout(300_000);
        const topic = `it-faults-${route}-${point.afterAcks}-${randomUUID().slice(0, 8)}`;
        await client.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
        const { kill, dead } = killer();
        const beforeSend = point.afterAcks === 0 ? kill : () => undefined;
        const onProgress = (p: ProduceProgress): void => {
          if (point.afterAcks > 0 && p.sent >= point.afterAcks) {
            kill();
          }
        };
        // The bulk path's requests are large (hundreds of lines): acknowledgements can reach the kill
        // point when the rest of the file is already in flight, and a fast broker then answers it
        // all before the kill lands. So there the broker is killed, and dead, before the request
        // that carries the kill point's line starts: it always meets a dead broker.
        const beforeStart = async (linesStarted: number): Promise<void> => {
          if (point.afterAcks > 0 && linesStarted > point.afterAcks) {
            kill();
            await dead();
          }
        };
        const summary =
          route === 'messages'
            ? // A batch that starts after the kill was asked for waits until the broker is dead, so the
              // last batches cannot slip through while the signal is on its way.
              await viaMessages(topic, beforeSend, onProgress, undefined, dead)
            : await viaBulk(topic, beforeSend, () => undefined, beforeStart);
        await dead();
        assert.ok(summary.stoppedBy, 'the run stopped');
        assert.ok(summary.sent < TOTAL, 'the kill stopped the run before its end');
        await cluster.startNode(NODE);

        const counts = await countsOnBroker(topic, summary.sent);
        const unknownPresent = checkExact(summary, counts);

        // "Send the failed lines again" (exactly the failed lines) and "Continue from line N".
        const failed = new Set(summary.failures.map((f) => f.line));
        const firstNotTried = summary.firstNotTried?.line ?? TOTAL;
        const again = await viaMessages(topic, () => undefined, () => undefined, (line) => failed.has(line) || line >= firstNotTried);
        assert.deepEqual([again.sent, again.failed, again.unknown, again.notTried], [summary.failed + summary.notTried, 0, 0, 0]);

        const after = await countsOnBroker(topic, summary.sent + unknownPresent + again.sent);
        const unknown = new Set(summary.unknowns.map((u) => u.line));
        const missing: number[] = [];
        for (let line = 0; line < TOTAL; line++) {
          const count = after.get(line) ?? 0;
          if (count === 0 && unknown.has(line)) {
            missing.push(line);
          } else {
            assert.equal(count, 1, `line ${line + 1} is on the broker ${count} times`);
          }
        }
        // Only an unknown line can be missing (it was lost with the connection): the summary said so.
        assert.equal(missing.length, summary.unknown - unknownPresent);
        console.log(
          `      ${route}, ${point.label}: ${summary.sent} sent, ${summary.failed} failed, ${summary.unknown} unknown (${unknownPresent} on the broker), ${summary.notTried} not tried`,
        );
      });
    }
  }
});

async function* filterLines(items: AsyncIterable<SourceMessage | SourceIssue>, keep: (line: number) => boolean): AsyncGenerator<SourceMessage | SourceIssue> {
  for await (const item of items) {
    if (keep(item.line)) {
      yield item;
    }
  }
}
