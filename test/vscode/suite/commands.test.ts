import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import type { ProduceResult } from '../../../src/core/brokerClient';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { kcatConsume, kcatProduce } from '../../harness/kcat';
import { getFreePort } from '../../harness/ports';
import { waitUntil } from '../../harness/util';
import { activateApi, addBrokerCluster, connectedAdmin, bootstrapServers, nextReportedError, uniqueName } from './helpers';

/** The real commands, run the way a keybinding or another extension runs them, against a real broker. */
describe('commands against a real broker', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: ReturnType<Kafka['admin']>;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-vscode-'));

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('cluster');
    admin = await connectedAdmin();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await admin?.disconnect();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  async function openFile(name: string, content: string): Promise<vscode.TextEditor> {
    const file = path.join(tempDir, name);
    fs.writeFileSync(file, content);
    const document = await vscode.workspace.openTextDocument(file);
    return vscode.window.showTextDocument(document);
  }

  it('Add Cluster keeps the cluster with its parsed bootstrap servers', () => {
    const listed = api.listClusters().find((c) => c.id === cluster.id);
    assert.ok(listed, 'the added cluster is not listed');
    assert.deepEqual(listed.bootstrapServers, bootstrapServers().split(','));
    assert.equal(listed.source, 'user');
  });

  it('Create Topic creates it on the broker with the asked partitions', async () => {
    const name = uniqueName('topic');
    await vscode.commands.executeCommand('mqExplorer.createTopic', {
      clusterId: cluster.id,
      name,
      partitions: 3,
      replicationFactor: 1,
    });
    const metadata = await admin.fetchTopicMetadata({ topics: [name] });
    assert.equal(metadata.topics[0].partitions.length, 3);
  });

  it('Create Topic refuses an invalid name with the reason and creates nothing', async () => {
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.createTopic', {
      clusterId: cluster.id,
      name: 'has space',
      partitions: 1,
      replicationFactor: 1,
    });
    const error = await reported;
    assert.equal(error.commandId, 'mqExplorer.createTopic');
    assert.match(error.message, /may contain only letters, digits, "\.", "_" and "-"; found space/);
    assert.equal((await admin.listTopics()).includes('has space'), false);
  });

  it('Produce Message from Editor sends the whole file, and kcat reads it at the reported offset', async () => {
    const topic = uniqueName('produce');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const content = JSON.stringify({ orderId: 7, items: ['a', 'b'] }, null, 2);
    await openFile('order.json', content);
    const result = await vscode.commands.executeCommand<ProduceResult>('mqExplorer.produceFromEditor', {
      clusterId: cluster.id,
      topic,
      quiet: true,
    });
    assert.ok(result, 'the command returned no result');
    assert.deepEqual([result.partition, result.offset], [0, '0']);
    const [record] = await kcatConsume(bootstrapServers(), topic, { count: 1 });
    assert.equal(record.value, content);
  });

  it('Produce Message from Editor sends only the selection when there is one', async () => {
    const topic = uniqueName('selection');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const editor = await openFile('lines.txt', 'first line\nsecond line\nthird line\n');
    editor.selection = new vscode.Selection(1, 0, 1, 'second line'.length);
    await vscode.commands.executeCommand('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic, quiet: true });
    const [record] = await kcatConsume(bootstrapServers(), topic, { count: 1 });
    assert.equal(record.value, 'second line');
  });

  it('Produce Message from Editor refuses an empty file and sends nothing', async () => {
    const topic = uniqueName('empty');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await openFile('empty.json', '   \n');
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic, quiet: true });
    assert.match((await reported).message, /"empty\.json" is empty: there is nothing to send/);
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(offsets[0].high, '0');
  });

  it('Tail Topic shows what kcat produces, and closing the panel leaves no group behind', async () => {
    const topic = uniqueName('tail');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const groupsBefore = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', {
      clusterId: cluster.id,
      topic,
      fromBeginning: false,
    });
    const panel = () => api.listTailPanels().find((p) => p.id === panelId);
    await waitUntil(() => panel()?.state === 'running', { timeoutMs: 30_000, what: 'the tail to run' });
    await kcatProduce(bootstrapServers(), topic, [
      { key: 'k1', value: '{"n":1}', partition: 0 },
      { key: 'k2', value: '{"n":2}', partition: 1 },
    ]);
    const messages = await waitUntil(() => (panel()?.messages.length === 2 ? panel()?.messages : undefined), {
      timeoutMs: 30_000,
      what: 'two messages in the tail panel',
    });
    assert.deepEqual(messages.map((m) => [m.key, m.value]).sort(), [
      ['k1', '{"n":1}'],
      ['k2', '{"n":2}'],
    ]);

    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitUntil(() => panel() === undefined, { timeoutMs: 10_000, what: 'the panel to close' });
    await waitUntil(
      async () => (await admin.listGroups()).groups.every((g) => groupsBefore.has(g.groupId)),
      { timeoutMs: 20_000, what: 'the tail group to be deleted' },
    );
  });

  it('an unreachable cluster gives a clear error within seconds', async () => {
    const port = await getFreePort();
    const nowhere = await vscode.commands.executeCommand<ClusterEntry | undefined>('mqExplorer.addCluster', {
      name: uniqueName('nowhere'),
      bootstrapServers: `127.0.0.1:${port}`,
    });
    assert.ok(nowhere, 'Add Cluster returned nothing');
    const started = Date.now();
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.createTopic', {
      clusterId: nowhere.id,
      name: uniqueName('never'),
      partitions: 1,
      replicationFactor: 1,
    });
    const error = await reported;
    assert.match(error.message, new RegExp(`connection to 127\\.0\\.0\\.1:${port} was refused`));
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: nowhere.id, skipConfirmation: true });
    assert.equal(api.listClusters().some((c) => c.id === nowhere.id), false);
  });
});
