/**
 * List a cluster with N topics (default 10,000; MQX_BENCH_TOPICS) through the extension's listing
 * path (KafkaClusterClient.listTopics: metadata, map, sort) and with `kcat -L` on the same broker
 * in the same run; median of 5 each. The target is at most 1 s for 10,000 topics.
 */
import { spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger } from '../src/core/brokerClient';
import { KafkaClusterClient } from '../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../test/harness/kafkaCluster';
import { runBench, saveBenchResults } from './results';

const TOPICS = Number(process.env.MQX_BENCH_TOPICS ?? 10_000);
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function kcatListMs(bootstrap: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let topics = 0;
    let pending = '';
    const kcat = spawn('kcat', ['-b', bootstrap, '-L'], { stdio: ['ignore', 'pipe', 'inherit'] });
    kcat.stdout.setEncoding('utf8');
    kcat.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      topics += lines.filter((l) => l.startsWith('  topic "')).length;
    });
    kcat.on('error', reject);
    kcat.on('exit', (code) =>
      code === 0 && topics >= TOPICS
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`kcat -L listed ${topics} topics (exit ${code})`)),
    );
  });
}

async function createTopics(bootstrap: string): Promise<void> {
  const admin = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, requestTimeout: 120_000 }).admin();
  await admin.connect();
  try {
    for (let start = 0; start < TOPICS; start += 500) {
      const names = Array.from({ length: Math.min(500, TOPICS - start) }, (_, i) => `bench-list-${String(start + i).padStart(5, '0')}`);
      await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: false, timeout: 120_000 });
    }
    // The controller accepts creations before the broker has made every log: wait until all are listed.
    const deadline = Date.now() + 300_000;
    while ((await admin.listTopics()).filter((t) => t.startsWith('bench-list-')).length < TOPICS) {
      if (Date.now() > deadline) {
        throw new Error(`fewer than ${TOPICS} topics were listed after 5 minutes`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  // 10,000 partitions need more than the harness's default heap and file handles.
  const cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION, jvmOptions: ['-Xmx1g'] });
  const client = new KafkaClusterClient(
    { id: 'bench', name: 'bench', kind: 'kafka', bootstrapServers: cluster.bootstrapServers.split(',') },
    { logger: silentLogger, requestTimeoutMs: 60_000 },
  );
  try {
    const created = Date.now();
    await createTopics(cluster.bootstrapServers);
    process.stdout.write(`[bench] Kafka ${cluster.version}: created ${TOPICS} topics in ${Date.now() - created} ms\n`);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      theirs.push(await kcatListMs(cluster.bootstrapServers));
      const started = process.hrtime.bigint();
      const listed = await client.listTopics();
      ours.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (listed.length < TOPICS) {
        throw new Error(`the extension listed ${listed.length} of ${TOPICS} topics`);
      }
    }
    const project = Math.round(median(ours));
    const reference = Math.round(median(theirs));
    const entry = {
      name: `list-${TOPICS}-topics`,
      project,
      reference,
      unit: 'ms (lower is better)',
      // For times the ratio is reference / project, so above 1 means faster than kcat.
      ratio: Number((reference / project).toFixed(3)),
      details: { topics: TOPICS, rounds: ROUNDS, kafka: cluster.version, msOurs: ours.map(Math.round), msKcat: theirs.map(Math.round), targetMs: 1000 },
    };
    process.stdout.write(
      `[bench] list ${TOPICS} topics: extension ${project} ms (target <= 1000 ms), kcat -L ${reference} ms, ratio ${entry.ratio}\n`,
    );
    process.stdout.write(`[bench] saved to ${saveBenchResults([entry])}\n`);
  } finally {
    await client.dispose();
    await cluster.stop();
  }
}

runBench(main);
