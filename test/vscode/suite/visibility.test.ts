import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import * as vscode from 'vscode';
import type { ResponderInfo } from '../../../src/commands/conversations/conversationFeature';
import { ResponderItem } from '../../../src/commands/conversations/respondersView';
import type { ProduceOutcome } from '../../../src/commands/produce/runProduce';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { waitUntil } from '../../harness/util';
import { activateApi, addBrokerCluster, bootstrapServers, uniqueName } from './helpers';

/** What used to vanish: a responder's errors and failure, and produce results after their notification. */
describe('responder state and produce history (in the extension host)', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: Admin;
  let producer: Producer;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-visible-'));

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('visible-cluster');
    const kafka = new Kafka({ brokers: bootstrapServers().split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('the Responders view shows a responder\'s last error in its line, and a failed one as failed with why', async function () {
    this.timeout(90_000);
    const requests = uniqueName('vis-req');
    await admin.createTopics({ topics: [{ topic: requests }], waitForLeaders: true });
    const responder = await vscode.commands.executeCommand<ResponderInfo>('mqExplorer.startResponder', {
      clusterId: cluster.id,
      requestTopic: requests,
      template: '{"ok": true}',
      quiet: true,
    });
    try {
      // The reply topic does not exist: the reply cannot be sent, and the view must say so.
      const missing = uniqueName('vis-missing');
      await producer.send({ topic: requests, messages: [{ value: '{}', headers: { 'correlation-id': 'vis-1', 'reply-to': missing } }] });
      const info = await waitUntil(() => api.listResponders().find((r) => r.id === responder.id && r.stats.errors > 0), {
        timeoutMs: 60_000,
        what: 'the responder to count the failed reply',
      });
      assert.ok(info.lastError, 'the responder info has no last error');
      const item = new ResponderItem(info);
      assert.match(String(item.description), new RegExp(`running · 0 replied · 1 error, last: ${info.lastError.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(item.tooltip as string, /State: running/);

      const failed = new ResponderItem({ ...info, state: 'failed', stats: { ...info.stats, lastError: 'The group coordinator is not available' } });
      assert.match(String(failed.description), /failed: The group coordinator is not available$/);
      assert.doesNotMatch(String(failed.description), /running/);
      assert.match(failed.tooltip as string, /^FAILED: answers no more requests/);
      assert.equal((failed.iconPath as vscode.ThemeIcon).id, 'error');
    } finally {
      await vscode.commands.executeCommand('mqExplorer.stopResponder', { id: responder.id });
    }
  });

  it('Show Recent Produce Results keeps each result and opens Show in Tail again at its messages', async function () {
    this.timeout(90_000);
    const topic = uniqueName('vis-produce');
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
    await producer.send({ topic, messages: [{ value: 'before-1' }, { value: 'before-2' }] });
    const file = path.join(tempDir, 'orders.jsonl');
    fs.writeFileSync(file, '{"key": "a", "value": {"n": 1}}\n{"key": "b", "value": {"n": 2}}\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const outcome = await vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic, quiet: true });
    assert.equal(outcome.sent, 2);

    const [latest] = api.listProduceResults();
    assert.ok(latest, 'no produce result was kept');
    assert.deepEqual([latest.topic, latest.clusterId, latest.failed, latest.startOffsets], [topic, cluster.id, 0, [{ partition: 0, offset: '2' }]]);
    assert.match(latest.text, /^2 sent to "/);

    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.showRecentProduceResults', { index: 0, action: 'Show in Tail' });
    assert.ok(panelId, 'Show in Tail opened no panel');
    const panel = () => api.listTailPanels().find((p) => p.id === panelId);
    await waitUntil(() => panel()?.messages.length === 2, { timeoutMs: 30_000, what: 'the tail to show the two produced messages' });
    assert.deepEqual(panel()?.messages.map((m) => m.offset), ['2', '3']);
  });
});
