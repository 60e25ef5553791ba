/**
 * Produce N JSONL lines (default 1,000,000; MQX_BENCH_PRODUCE_LINES) from a file through the
 * extension's produce path for large files (the bulk path: read the file in chunks, validate each
 * line, encode record batches, send with bounded in-flight batches, account offsets) and with
 * `kcat -P -l` on the same broker in the same run. Prints both rates, the ratio and the peak memory
 * of this process (the extension host's share) while producing; saves bench-results.json.
 * MQX_BENCH_PRODUCE_PATH=lines measures the line-by-line path (kafkajs' producer) instead.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../src/core/brokerClient';
import { KafkaClusterClient } from '../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../src/brokers/kafka/produce/partitioner';
import { produceJsonlFile } from '../src/produce/bulkPipeline';
import { type ProduceSummary, producePipeline } from '../src/produce/pipeline';
import { fileLines, jsonlItems } from '../src/produce/source';
import { TemplateContext } from '../src/produce/templates';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../test/harness/kafkaCluster';
import { makeTempDir, removeDir } from '../test/harness/util';
import { runBench, saveBenchResults } from './results';

const LINES = Number(process.env.MQX_BENCH_PRODUCE_LINES ?? 1_000_000);
const PARTITIONS = 3;
// The extension's defaults (mqExplorer.produce.batchSize / maxInFlight).
const BATCH_SIZE = Number(process.env.MQX_BENCH_BATCH ?? 500);
const MAX_IN_FLIGHT = Number(process.env.MQX_BENCH_INFLIGHT ?? 8);
const PATH = process.env.MQX_BENCH_PRODUCE_PATH === 'lines' ? 'lines' : 'bulk';

async function writeJsonl(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const chunk: string[] = [];
  for (let i = 0; i < LINES; i++) {
    chunk.push(`{"id":${i},"user":"user-${i % 1000}","amount":${(i % 997) * 1.5},"note":"benchmark line ${'x'.repeat(40)}"}`);
    if (chunk.length === 10_000 || i === LINES - 1) {
      if (!out.write(`${chunk.join('\n')}\n`)) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      chunk.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function kcatProduceSeconds(bootstrap: string, topic: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const kcat = spawn('kcat', ['-b', bootstrap, '-P', '-t', topic, '-l', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    kcat.on('error', reject);
    kcat.on('exit', (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`kcat -P exited with ${code}`)),
    );
  });
}

async function extensionProduce(bootstrap: string, topic: string, file: string): Promise<{ seconds: number; peakRss: number }> {
  const client = new KafkaClusterClient(
    { id: 'bench', name: 'bench', kind: 'kafka', bootstrapServers: bootstrap.split(',') },
    { logger: silentLogger, requestTimeoutMs: 60_000 },
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const started = process.hrtime.bigint();
    // The extension's defaults: envelope "auto", templates on.
    const shape = { envelope: 'auto' as const, templates: new TemplateContext() };
    const options = { batchSize: BATCH_SIZE, maxInFlight: MAX_IN_FLIGHT, partitionCount: PARTITIONS, partitionForKey: keyPartitioner(PARTITIONS) };
    let summary: ProduceSummary;
    if (PATH === 'bulk') {
      const sender = client.bulkProducer(topic);
      try {
        summary = await produceJsonlFile(file, topic, sender, { ...options, shape });
      } finally {
        await sender.close();
      }
    } else {
      summary = await producePipeline(jsonlItems(fileLines(file), shape), topic, (messages) => client.produce(topic, messages), options);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (summary.sent !== LINES || summary.failed !== 0) {
      throw new Error(`the pipeline sent ${summary.sent} and failed ${summary.failed} of ${LINES}: ${summary.stoppedBy ?? ''}`);
    }
    return { seconds, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
    await client.dispose();
  }
}

async function main(): Promise<void> {
  const dir = makeTempDir('bench-produce');
  const cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION });
  try {
    const file = path.join(dir, 'lines.jsonl');
    await writeJsonl(file);
    const bytes = fs.statSync(file).size;
    const admin = new KafkaClusterClient(
      { id: 'admin', name: 'admin', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger },
    );
    const topics = [0, 1, 2, 3].map((i) => `bench-produce-${i}-${randomUUID().slice(0, 8)}`);
    for (const name of topics) {
      await admin.createTopic({ name, partitions: PARTITIONS, replicationFactor: 1 });
    }
    await admin.dispose();
    process.stdout.write(`[bench] Kafka ${cluster.version}; producing ${LINES} JSONL lines (${(bytes / 1e6).toFixed(0)} MB)…\n`);
    const baselineRss = process.memoryUsage().rss;
    // Alternate, a fresh topic each run, best of two each.
    const ours: number[] = [];
    const theirs: number[] = [];
    let peakRss = 0;
    for (let round = 0; round < 2; round++) {
      theirs.push(await kcatProduceSeconds(cluster.bootstrapServers, topics[round * 2], file));
      const run = await extensionProduce(cluster.bootstrapServers, topics[round * 2 + 1], file);
      ours.push(run.seconds);
      peakRss = Math.max(peakRss, run.peakRss);
    }
    const project = LINES / Math.min(...ours);
    const reference = LINES / Math.min(...theirs);
    const mb = (n: number): number => Math.round(n / 1024 / 1024);
    const entry = {
      name: 'produce-jsonl',
      project: Math.round(project),
      reference: Math.round(reference),
      unit: 'msgs/s',
      ratio: Number((project / reference).toFixed(3)),
      details: {
        lines: LINES,
        fileBytes: bytes,
        partitions: PARTITIONS,
        batchSize: BATCH_SIZE,
        maxInFlight: MAX_IN_FLIGHT,
        path: PATH,
        kafka: cluster.version,
        secondsOurs: ours,
        secondsKcat: theirs,
        peakRssMB: mb(peakRss),
        baselineRssMB: mb(baselineRss),
      },
    };
    process.stdout.write(
      `[bench] produce ${LINES} JSONL lines: extension ${entry.project} msgs/s, kcat -P ${entry.reference} msgs/s, ratio ${entry.ratio}; ` +
        `peak RSS ${mb(peakRss)} MB (${mb(baselineRss)} MB before producing)\n`,
    );
    process.stdout.write(`[bench] saved to ${saveBenchResults([entry])}\n`);
  } finally {
    await cluster.stop();
    removeDir(dir);
  }
}

runBench(main);
