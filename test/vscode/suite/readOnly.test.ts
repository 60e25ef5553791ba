import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { kcatProduce } from '../../harness/kcat';
import { activateApi, addBrokerCluster, bootstrapServers, connectedAdmin, nextReportedError, uniqueName } from './helpers';

/**
 * Every command that writes, run on a read-only cluster as the palette or a CodeLens would: each
 * is refused with the read-only sentence and the broker shows that nothing changed (end offsets,
 * committed offsets, topics). Covers the paths a list of client methods once missed: the bulk path
 * of a large saved file, repeats, Send Request, responders and a shared-group tail.
 */
describe('read-only clusters refuse every write command, against a real broker', function () {
  this.timeout(120_000);
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: Admin;
  let topic: string;
  let group: string;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-readonly-'));

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('readonly-writes');
    admin = await connectedAdmin();
    topic = uniqueName('ro');
    group = uniqueName('ro-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await kcatProduce(bootstrapServers(), topic, [
      { key: 'a', value: '1', partition: 0 },
      { key: 'b', value: '2', partition: 1 },
    ]);
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '1' }] });
    await vscode.commands.executeCommand('mqExplorer.toggleReadOnly', { clusterId: cluster.id, readOnly: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('mqExplorer.toggleReadOnly', { clusterId: cluster.id, readOnly: false });
    await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: cluster.id, skipConfirmation: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  async function brokerState(): Promise<string> {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('vsc-') || g.startsWith('mq-explorer'));
    return JSON.stringify({
      ends: ends.map((o) => `${o.partition}:${o.low}-${o.high}`).sort(),
      committed: committed[0].partitions.map((p) => `${p.partition}:${p.offset}`).sort(),
      groups: groups.sort(),
    });
  }

  async function openFile(name: string, content: string): Promise<void> {
    const file = path.join(tempDir, name);
    fs.writeFileSync(file, content);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  }

  async function refused(command: string, arg: Record<string, unknown>): Promise<void> {
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand(command, arg);
    assert.match((await reported).message, new RegExp(`"${cluster.name}" is read-only: .+ is not allowed`), command);
  }

  it('refuses producing: a small file, a large saved file (the bulk path), Produce File, N times and every T seconds', async () => {
    const before = await brokerState();
    await openFile('order.json', '{"key": "o-1", "value": {"orderId": 7}}');
    await refused('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic, quiet: true });
    await refused('mqExplorer.produceTimes', { clusterId: cluster.id, topic, quiet: true, times: 3 });
    await refused('mqExplorer.produceEvery', { clusterId: cluster.id, topic, seconds: 0.2 });
    assert.deepEqual(api.listProduceRepeats(), [], 'a refused repeat must not keep running');
    await openFile('large.jsonl', `${Array.from({ length: 25_000 }, (_, i) => `{"i":${i}}`).join('\n')}\n`);
    await refused('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic, quiet: true });
    // Produce File… streams from disk without an editor.
    await refused('mqExplorer.produceFile', { file: path.join(tempDir, 'large.jsonl'), clusterId: cluster.id, topic, quiet: true });
    assert.equal(await brokerState(), before, 'something was written on a read-only cluster');
  });

  it('refuses Send Request, starting a responder, group changes and a shared-group tail; a broadcast tail still works', async () => {
    const before = await brokerState();
    await openFile('request.json', '{"key": "o-2", "value": {"orderId": 8}, "headers": {"correlation-id": "ro-conv"}}');
    await refused('mqExplorer.sendRequest', { clusterId: cluster.id, topic, replyTopic: topic, timeoutMs: 2_000 });
    await refused('mqExplorer.startResponder', { clusterId: cluster.id, requestTopic: topic, template: '{"ok": true}', quiet: true });
    assert.equal(api.listResponders().length, 0, 'no responder runs on a read-only cluster');
    await refused('mqExplorer.resetOffsets', { clusterId: cluster.id, groupId: group, topic, target: { kind: 'earliest' }, apply: true });
    await refused('mqExplorer.deleteGroup', { clusterId: cluster.id, groupId: group, confirm: group });
    await refused('mqExplorer.resetTopicConfig', { clusterId: cluster.id, topic, name: 'retention.ms' });
    await refused('mqExplorer.tailTopic', { clusterId: cluster.id, topic, fromBeginning: true, group });
    assert.equal(await brokerState(), before, 'something changed on a read-only cluster');

    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', { clusterId: cluster.id, topic, fromBeginning: true });
    assert.ok(panelId, 'a broadcast tail opens on a read-only cluster');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
