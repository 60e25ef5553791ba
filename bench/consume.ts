/**
 * Consume N x 200-byte messages through the extension's consume path (KafkaClusterClient.startTail:
 * fetch, decode to text rows, hand batches to a listener) and with `kcat -C` on the same topic,
 * in the same run against the same broker. Prints both rates and the ratio; saves bench-results.json.
 * MQX_BENCH_MESSAGES sets N (default 200000); KAFKA_VERSION picks the broker.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../src/core/brokerClient';
import { KafkaClusterClient } from '../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../test/harness/kafkaCluster';
import { runBench, saveBenchResults } from './results';

const COUNT = Number(process.env.MQX_BENCH_MESSAGES ?? 200_000);
const SIZE = 200;
const PARTITIONS = 3;

/** Fills the topic with kcat (fast, and independent of the code under test). */
function fillTopic(bootstrap: string, topic: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const kcat = spawn('kcat', ['-b', bootstrap, '-P', '-t', topic, '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    kcat.on('error', reject);
    kcat.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited with ${code}`))));
    const line = `${'x'.repeat(SIZE - 8)}`;
    const chunk: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      chunk.push(`${String(i).padStart(7, '0')}-${line}`);
      if (chunk.length === 10_000 || i === COUNT - 1) {
        kcat.stdin.write(`${chunk.join('\n')}\n`);
        chunk.length = 0;
      }
    }
    kcat.stdin.end();
  });
}

function kcatConsumeSeconds(bootstrap: string, topic: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let lines = 0;
    const kcat = spawn('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-c', String(COUNT)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    kcat.stdout.on('data', (data: Buffer) => {
      for (const byte of data) {
        if (byte === 10) {
          lines++;
        }
      }
    });
    kcat.on('error', reject);
    kcat.on('exit', (code) => {
      if (code !== 0 || lines < COUNT) {
        reject(new Error(`kcat -C read ${lines}/${COUNT} (exit ${code})`));
      } else {
        resolve(Number(process.hrtime.bigint() - started) / 1e9);
      }
    });
  });
}

async function extensionConsumeSeconds(bootstrap: string, topic: string): Promise<number> {
  const client = new KafkaClusterClient(
    { id: 'bench', name: 'bench', kind: 'kafka', bootstrapServers: bootstrap.split(',') },
    { logger: silentLogger, requestTimeoutMs: 60_000 },
  );
  try {
    const started = process.hrtime.bigint();
    let received = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const session = await client.startTail(
      { topics: [topic], fromBeginning: true },
      {
        onMessages: (batch) => {
          received += batch.length;
          if (received >= COUNT) {
            done();
          }
        },
        onState: () => undefined,
      },
    );
    await finished;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await session.stop();
    return seconds;
  } finally {
    await client.dispose();
  }
}

async function main(): Promise<void> {
  const cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION });
  try {
    const topic = `bench-consume-${randomUUID().slice(0, 8)}`;
    const admin = new KafkaClusterClient(
      { id: 'admin', name: 'admin', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
      { logger: silentLogger },
    );
    await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
    await admin.dispose();
    process.stdout.write(`[bench] Kafka ${cluster.version}; filling ${topic} with ${COUNT} x ${SIZE} B…\n`);
    await fillTopic(cluster.bootstrapServers, topic);

    // Alternate and keep the best of two each, so a cold page cache or JIT does not decide the ratio.
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < 2; round++) {
      theirs.push(await kcatConsumeSeconds(cluster.bootstrapServers, topic));
      ours.push(await extensionConsumeSeconds(cluster.bootstrapServers, topic));
    }
    const project = COUNT / Math.min(...ours);
    const reference = COUNT / Math.min(...theirs);
    const entry = {
      name: 'consume-200B',
      project: Math.round(project),
      reference: Math.round(reference),
      unit: 'msgs/s',
      ratio: Number((project / reference).toFixed(3)),
      details: { messages: COUNT, bytes: SIZE, partitions: PARTITIONS, kafka: cluster.version, secondsOurs: ours, secondsKcat: theirs },
    };
    process.stdout.write(
      `[bench] consume ${COUNT} x ${SIZE} B: extension ${entry.project} msgs/s, kcat -C ${entry.reference} msgs/s, ratio ${entry.ratio}\n`,
    );
    process.stdout.write(`[bench] saved to ${saveBenchResults([entry])}\n`);
  } finally {
    await cluster.stop();
  }
}

runBench(main);
