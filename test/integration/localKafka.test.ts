import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger, type TailMessage } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { detectJava } from '../../src/brokers/kafka/local/java';
import { LocalBroker } from '../../src/brokers/kafka/local/localBroker';
import { type KafkaManifest, jarName, manifestFor, repositoryPath } from '../../src/brokers/kafka/local/manifest';
import { ChecksumMismatchError, PART_SUFFIX, VERIFIED_SUFFIX, downloadKafka, isComplete } from '../../src/brokers/kafka/local/mavenDownloader';
import { localKafkaPaths } from '../../src/brokers/kafka/local/paths';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars } from '../harness/kafkaCluster';
import { MavenMirror } from '../harness/mavenMirror';
import { getFreePort } from '../harness/ports';
import { makeTempDir, removeDir, waitUntil } from '../harness/util';

/**
 * The no-Docker path for real: download the manifest's jars over HTTP (from a local mirror of the
 * harness cache, so CI does not fetch 46 MB twice) with checksum and resume, then run, use,
 * restart and reset a broker exactly as the extension does.
 */
describe(`Local Kafka without Docker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let manifest: KafkaManifest;
  let mirror: MavenMirror;
  let storage: string;
  let libsDir: string;
  let workDir: string;

  before(async function () {
    manifest = manifestFor(DEFAULT_KAFKA_VERSION);
    mirror = await MavenMirror.start({ libsDir: await ensureKafkaJars(DEFAULT_KAFKA_VERSION), manifest });
    storage = makeTempDir('local-kafka');
    ({ libsDir, workDir } = localKafkaPaths(storage, DEFAULT_KAFKA_VERSION));
  });

  after(async () => {
    await mirror?.stop();
    removeDir(storage);
  });

  const smallest = (): (typeof manifest.artifacts)[number] => [...manifest.artifacts].sort((a, b) => a.size - b.size)[0];
  const broker = (): (typeof manifest.artifacts)[number] => manifest.artifacts.find((a) => a.artifactId === 'kafka_2.13')!;

  it('rejects a corrupted download with a clear error and keeps nothing of it', async () => {
    const victim = smallest();
    mirror.corrupt.add(repositoryPath(victim));
    try {
      await assert.rejects(downloadKafka(manifest, libsDir, { repositoryUrl: mirror.url }), (e: unknown) => {
        assert.ok(e instanceof ChecksumMismatchError, String(e));
        assert.match(e.message, new RegExp(`${jarName(victim).replace(/\./g, '\\.')} is corrupt \\(SHA-1 [0-9a-f]{40}, expected ${victim.sha1}\\); it was deleted`));
        return true;
      });
    } finally {
      mirror.corrupt.clear();
    }
    const target = path.join(libsDir, jarName(victim));
    for (const leftover of [target, target + PART_SUFFIX, target + VERIFIED_SUFFIX]) {
      assert.equal(fs.existsSync(leftover), false, `${leftover} was kept`);
    }
  });

  it('resumes an interrupted download where it stopped, verifies every jar, and then uses the cache', async () => {
    removeDir(libsDir); // start from nothing, whatever the previous test left
    const big = broker();
    mirror.cutShort.add(repositoryPath(big));
    const progress: number[] = [];
    await assert.rejects(downloadKafka(manifest, libsDir, { repositoryUrl: mirror.url, onProgress: (p) => progress.push(p.doneBytes) }), /interrupted; it resumes/);
    const part = path.join(libsDir, jarName(big) + PART_SUFFIX);
    const partial = fs.statSync(part).size;
    assert.ok(partial > 0 && partial < big.size, `part file holds ${partial} of ${big.size} bytes`);

    await downloadKafka(manifest, libsDir, { repositoryUrl: mirror.url, onProgress: (p) => progress.push(p.doneBytes) });
    assert.ok(mirror.requests.includes(`GET /maven2/${repositoryPath(big)} bytes=${partial}-`), 'no Range request resumed the jar');
    assert.equal(isComplete(manifest, libsDir), true);
    assert.equal(fs.existsSync(part), false);
    assert.equal(progress[progress.length - 1], manifest.artifacts.reduce((sum, a) => sum + a.size, 0));

    const before = mirror.requests.length;
    await downloadKafka(manifest, libsDir, { repositoryUrl: mirror.url });
    assert.equal(mirror.requests.length, before, 'a complete cache must not hit the network');
  });

  it('starts a broker, serves produce and tail, keeps data over a restart, and forgets it on reset', async function () {
    this.timeout(180_000);
    const java = await detectJava();
    const port = await getFreePort();
    const logs: string[] = [];
    const local = new LocalBroker({
      java: java.executable,
      manifest,
      libsDir,
      workDir,
      port,
      defaultPartitions: 2,
      autoCreateTopics: false,
      onLog: (line) => logs.push(line),
    });
    const client = new KafkaClusterClient(
      { id: randomUUID(), name: 'Local', kind: 'kafka', bootstrapServers: [`localhost:${port}`] },
      { logger: silentLogger },
    );
    const topic = `local-${randomUUID().slice(0, 8)}`;
    const tailAll = async (count: number): Promise<TailMessage[]> => {
      const seen: TailMessage[] = [];
      const session = await client.startTail({ topics: [topic], fromBeginning: true }, { onMessages: (b) => seen.push(...b), onState: () => undefined });
      try {
        await waitUntil(() => seen.length >= count, { timeoutMs: 30_000, what: `${count} tailed message(s)` });
        return seen;
      } finally {
        await session.stop();
      }
    };
    try {
      let t = Date.now();
      await local.start();
      const firstStart = Date.now() - t;
      assert.equal(local.state, 'running');
      assert.ok(logs.some((l) => /Kafka Server started|KafkaRaftServer|started/i.test(l)), 'broker output did not reach the log');

      await client.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      await client.produce(topic, [{ key: 'k', value: 'kept across restarts' }]);
      assert.deepEqual((await tailAll(1)).map((m) => m.value), ['kept across restarts']);

      t = Date.now();
      await client.dispose();
      await local.restart();
      const restart = Date.now() - t;
      assert.equal(local.state, 'running');
      const again = new KafkaClusterClient(
        { id: randomUUID(), name: 'Local', kind: 'kafka', bootstrapServers: [`localhost:${port}`] },
        { logger: silentLogger },
      );
      try {
        assert.ok((await again.listTopics()).some((x) => x.name === topic), 'the topic did not survive the restart');
      } finally {
        await again.dispose();
      }

      await local.reset();
      assert.equal(local.state, 'stopped');
      assert.equal(fs.existsSync(local.dataDir), false);
      await local.start();
      const fresh = new KafkaClusterClient(
        { id: randomUUID(), name: 'Local', kind: 'kafka', bootstrapServers: [`localhost:${port}`] },
        { logger: silentLogger },
      );
      try {
        assert.equal((await fresh.listTopics()).some((x) => x.name === topic), false, 'reset kept the topic');
      } finally {
        await fresh.dispose();
      }
      process.stdout.write(`      first start ${firstStart} ms, restart ${restart} ms\n`);
    } finally {
      await client.dispose().catch(() => undefined);
      await local.stop();
    }
    assert.equal(local.state, 'stopped');
  });
});
