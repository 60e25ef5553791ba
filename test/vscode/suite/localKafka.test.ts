import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ProduceResult } from '../../../src/core/brokerClient';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import type { LocalStatusReport } from '../../../src/local/localKafkaService';
import { manifestFor } from '../../../src/brokers/kafka/local/manifest';
import { localKafkaPaths } from '../../../src/brokers/kafka/local/paths';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars } from '../../harness/kafkaCluster';
import { MavenMirror } from '../../harness/mavenMirror';
import { getFreePort } from '../../harness/ports';
import { makeTempDir, removeDir, repoRoot, waitUntil } from '../../harness/util';
import { activateApi, nextReportedError, uniqueName } from './helpers';

const SETTINGS = ['port', 'mavenRepository', 'storageDirectory', 'kafkaVersion'] as const;

/**
 * The local-Kafka commands as a user runs them. Without Docker for real: the jars come over HTTP
 * from a local Maven-layout mirror of the harness cache, the broker runs as a child of the
 * extension host on a free port. The Docker path runs against the recording stand-in `docker`.
 */
describe('Local Kafka commands', function () {
  this.timeout(240_000);
  let api: MqExplorerApi;
  let mirror: MavenMirror;
  let storage: string;
  let port: number;
  const config = () => vscode.workspace.getConfiguration('mqExplorer.localKafka');
  const local = (): ClusterEntry | undefined => api.listClusters().find((c) => c.name === 'Local');
  const status = async (backend: string): Promise<LocalStatusReport> =>
    (await vscode.commands.executeCommand<LocalStatusReport[]>('mqExplorer.local.status', { backend }))[0];

  before(async () => {
    api = await activateApi();
    mirror = await MavenMirror.start({ libsDir: await ensureKafkaJars(DEFAULT_KAFKA_VERSION), manifest: manifestFor(DEFAULT_KAFKA_VERSION) });
    storage = makeTempDir('vscode-local-kafka');
    port = await getFreePort();
    await config().update('port', port, vscode.ConfigurationTarget.Global);
    await config().update('mavenRepository', mirror.url, vscode.ConfigurationTarget.Global);
    await config().update('storageDirectory', storage, vscode.ConfigurationTarget.Global);
    await config().update('kafkaVersion', DEFAULT_KAFKA_VERSION, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('mqExplorer.local.stop', { backend: 'java', removeCluster: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of SETTINGS) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await mirror?.stop();
    removeDir(storage);
  });

  it('without Docker: downloads, starts, adds "Local", produces and tails through the extension, restarts with data, resets', async () => {
    let t = Date.now();
    const cluster = await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.local.start', { backend: 'java' });
    const firstStart = Date.now() - t;
    assert.ok(cluster, 'start returned no cluster');
    assert.equal(cluster.name, 'Local');
    assert.deepEqual(cluster.bootstrapServers, [`localhost:${port}`]);
    assert.ok(mirror.requests.some((r) => r.includes('/kafka_2.13-')), 'the jars were not downloaded from the configured repository');
    assert.equal((await status('java')).status, 'running');

    const topic = uniqueName('local');
    await vscode.commands.executeCommand('mqExplorer.createTopic', { clusterId: cluster.id, name: topic, partitions: 1, replicationFactor: 1 });
    const file = path.join(storage, 'hello.json');
    fs.writeFileSync(file, '{"hello":"local"}');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const produced = await vscode.commands.executeCommand<ProduceResult>('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic, quiet: true });
    assert.deepEqual([produced?.partition, produced?.offset], [0, '0']);
    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', { clusterId: cluster.id, topic, fromBeginning: true });
    const panel = () => api.listTailPanels().find((p) => p.id === panelId);
    await waitUntil(() => panel()?.messages.some((m) => m.value === '{"hello":"local"}'), { timeoutMs: 30_000, what: 'the message in the tail panel' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    t = Date.now();
    await vscode.commands.executeCommand('mqExplorer.local.restart', { backend: 'java' });
    const restart = Date.now() - t;
    const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      assert.ok((await admin.listTopics()).includes(topic), 'the topic did not survive the restart');
    } finally {
      await admin.disconnect();
    }

    await vscode.commands.executeCommand('mqExplorer.local.stop', { backend: 'java', removeCluster: true });
    assert.equal((await status('java')).status, 'stopped');
    assert.equal(local(), undefined, 'stop with removeCluster kept the "Local" cluster');

    await vscode.commands.executeCommand('mqExplorer.local.reset', { backend: 'java', confirm: 'reset' });
    const { workDir } = localKafkaPaths(storage, DEFAULT_KAFKA_VERSION);
    assert.equal(fs.existsSync(path.join(workDir, 'data')), false, 'reset kept the data');

    const requestsBefore = mirror.requests.length;
    const again = await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.local.start', { backend: 'java' });
    assert.equal(mirror.requests.length, requestsBefore, 'a second start downloaded again instead of using the cache');
    assert.ok(again && local()?.id === again.id);
    const fresh = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING }).admin();
    await fresh.connect();
    try {
      assert.equal((await fresh.listTopics()).includes(topic), false, 'reset kept the topic');
    } finally {
      await fresh.disconnect();
    }
    await vscode.commands.executeCommand('mqExplorer.local.stop', { backend: 'java' });
    assert.equal((await status('java')).status, 'stopped');
    console.log(`      first start (download included) ${firstStart} ms, restart ${restart} ms`);
  });

  describe('with the recording stand-in docker', () => {
    const saved = { PATH: process.env.PATH, scenario: process.env.MQX_FAKE_DOCKER_SCENARIO };
    beforeEach(() => {
      process.env.PATH = `${path.join(repoRoot(), 'test', 'fixtures', 'fake-docker')}${path.delimiter}${saved.PATH ?? ''}`;
    });
    afterEach(() => {
      process.env.PATH = saved.PATH;
      if (saved.scenario === undefined) {
        delete process.env.MQX_FAKE_DOCKER_SCENARIO;
      } else {
        process.env.MQX_FAKE_DOCKER_SCENARIO = saved.scenario;
      }
    });

    it('shows the Docker backend as not available while the engine is stopped', async () => {
      process.env.MQX_FAKE_DOCKER_SCENARIO = 'daemon-down';
      const report = await status('docker');
      assert.equal(report.status, 'unavailable');
      assert.match(report.detail ?? '', /not running or not reachable/);
    });

    it('Start Local Kafka (Docker) reports an image that cannot be pulled', async () => {
      process.env.MQX_FAKE_DOCKER_SCENARIO = 'pull-fail';
      const reported = nextReportedError(api);
      await vscode.commands.executeCommand('mqExplorer.startLocalKafka');
      const error = await reported;
      assert.equal(error.commandId, 'mqExplorer.startLocalKafka');
      assert.match(error.message, /could not pull the image apache\/kafka:/);
    });
  });
});
