/**
 * The tail panel's pipeline on 1,000,000 x 200 B (MQX_BENCH_TAIL_MESSAGES): fetch and decode
 * (KafkaClusterClient.startTail), keep in the RecordStore (cap = N), filter as messages arrive,
 * and page the rows a webview would show after every batch; against `kcat -C` on the same topic
 * in the same run. Then the heap used with all N retained. Prints and saves both figures.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../src/core/brokerClient';
import { KafkaClusterClient } from '../src/brokers/kafka/client/kafkaClient';
import { RecordStore } from '../src/tail/recordStore';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../test/harness/kafkaCluster';
import { runBench, saveBenchResults } from './results';

const COUNT = Number(process.env.MQX_BENCH_TAIL_MESSAGES ?? 1_000_000);
const SIZE = 200;
const PARTITIONS = 3;

function run(args: string[], input?: (write: (s: string) => void) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    const child = spawn('kcat', args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
    child.stdout?.on('data', (data: Buffer) => {
      for (const byte of data) {
        lines += byte === 10 ? 1 : 0;
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`kcat ${args.join(' ')} exited with ${code}`))));
    if (input && child.stdin) {
      input((s) => child.stdin!.write(s));
      child.stdin.end();
    }
  });
}

async function main(): Promise<void> {
  const cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION });
  const client = new KafkaClusterClient(
    { id: 'bench', name: 'bench', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
    { logger: silentLogger, requestTimeoutMs: 60_000 },
  );
  try {
    const topic = `bench-tail-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
    process.stdout.write(`[bench] Kafka ${cluster.version}; filling ${topic} with ${COUNT} x ${SIZE} B…\n`);
    await run(['-b', cluster.bootstrapServers, '-P', '-t', topic, '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000'], (write) => {
      const body = `{"type":"Tick","n":0000000,"pad":"${'x'.repeat(SIZE - 40)}"}`;
      for (let i = 0; i < COUNT; i += 10_000) {
        const chunk: string[] = [];
        for (let j = i; j < Math.min(COUNT, i + 10_000); j++) {
          chunk.push(body.replace('0000000', String(j).padStart(7, '0')));
        }
        write(`${chunk.join('\n')}\n`);
      }
    });

    const kcatStart = process.hrtime.bigint();
    const read = await run(['-b', cluster.bootstrapServers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-c', String(COUNT)]);
    const kcatSeconds = Number(process.hrtime.bigint() - kcatStart) / 1e9;
    if (read < COUNT) {
      throw new Error(`kcat -C read ${read}/${COUNT}`);
    }

    const store = new RecordStore(COUNT);
    store.setFilter([{ kind: 'substring', field: 'value', text: 'Tick' }]);
    let pages = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const started = process.hrtime.bigint();
    const session = await client.startTail(
      { topics: [topic], fromBeginning: true },
      {
        onMessages: (batch) => {
          store.append(batch);
          const { matched, received } = store.counts();
          pages += store.page(Math.max(0, matched - 60), 60).length > 0 ? 1 : 0;
          if (received >= COUNT) {
            done();
          }
        },
        onState: () => undefined,
      },
    );
    await finished;
    const oursSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await session.stop();
    const reapplyStart = process.hrtime.bigint();
    store.setFilter([{ kind: 'json', path: 'n', op: '>', operand: String(COUNT - 100) }]);
    const reapplyMs = Number(process.hrtime.bigint() - reapplyStart) / 1e6;
    const matchedAfter = store.counts().matched;
    store.setFilter([]);
    // The panel recomputes the time histogram at most every 500 ms while messages arrive: one pass over all retained.
    const histogramRuns: number[] = [];
    for (let round = 0; round < 7; round++) {
      const histogramStart = process.hrtime.bigint();
      store.timeHistogram();
      histogramRuns.push(Number(process.hrtime.bigint() - histogramStart) / 1e6);
    }
    const histogramMs = histogramRuns.sort((a, b) => a - b)[3];
    (globalThis as { gc?: () => void }).gc?.();
    const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
    if (store.counts().retained !== COUNT) {
      throw new Error(`retained ${store.counts().retained}, expected ${COUNT}`);
    }
    const project = COUNT / oursSeconds;
    const reference = COUNT / kcatSeconds;
    const entries = [
      {
        name: 'tail-pipeline-200B',
        project: Math.round(project),
        reference: Math.round(reference),
        unit: 'msgs/s',
        ratio: Number((project / reference).toFixed(3)),
        details: { messages: COUNT, bytes: SIZE, partitions: PARTITIONS, kafka: cluster.version, secondsOurs: oursSeconds, secondsKcat: kcatSeconds, pages, reapplyJsonFilterMs: Math.round(reapplyMs), histogramPassMs: Number(histogramMs.toFixed(1)), matchedAfter },
      },
      { name: 'tail-heap-1M-retained', project: Math.round(heapMb), reference: 600, unit: 'MB heapUsed', ratio: Number((600 / heapMb).toFixed(3)), details: { retained: COUNT, gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function' } },
    ];
    process.stdout.write(`[bench] tail ${COUNT} x ${SIZE} B (fetch, decode, store, filter, page): ${entries[0].project} msgs/s, kcat -C ${entries[0].reference} msgs/s, ratio ${entries[0].ratio}\n`);
    process.stdout.write(`[bench] heapUsed with ${COUNT} retained: ${entries[1].project} MB (target ≤ 600); JSON filter re-applied to all in ${Math.round(reapplyMs)} ms; time histogram pass ${histogramMs.toFixed(1)} ms (median of 7)\n`);
    process.stdout.write(`[bench] saved to ${saveBenchResults(entries)}\n`);
  } finally {
    await client.dispose();
    await cluster.stop();
  }
}

runBench(main);
