import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import * as vscode from 'vscode';
import type { ResponderInfo } from '../../../src/commands/conversations/conversationFeature';
import type { RequestReplyResult } from '../../../src/commands/conversations/sendRequest';
import type { ConversationTrace } from '../../../src/conversations/trace';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { activateApi, bootstrapServers, nextReportedError, uniqueName } from './helpers';

/** Send Request, responders and traces through the real commands, against a real broker. */
describe('conversations (in the extension host)', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: Admin;
  let producer: Producer;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-conv-'));

  before(async function () {
    api = await activateApi();
    cluster = (await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', {
      name: uniqueName('conv-cluster'),
      bootstrapServers: bootstrapServers(),
    }))!;
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

  async function topics(...labels: string[]): Promise<string[]> {
    const names = labels.map(uniqueName);
    await admin.createTopics({ topics: names.map((topic) => ({ topic })), waitForLeaders: true });
    return names;
  }

  async function openFile(name: string, content: string): Promise<void> {
    const file = path.join(tempDir, name);
    fs.writeFileSync(file, content);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  }

  it('a responder started by command answers Send Request with the id from the file; stopping it deletes its group', async () => {
    const [requests, replies] = await topics('req', 'rep');
    const responder = (await vscode.commands.executeCommand<ResponderInfo>('mqExplorer.startResponder', {
      clusterId: cluster.id,
      requestTopic: requests,
      template: '{"orderId": "{{request.value.orderId}}", "ok": true}',
      delayMs: 50,
      quiet: true,
    }));
    assert.ok(api.listResponders().some((r) => r.id === responder.id && r.state === 'running'));

    await openFile('order.json', '{"key": "o-1", "value": {"orderId": 7}, "headers": {"correlation-id": "order-7-conv"}}');
    const result = (await vscode.commands.executeCommand<RequestReplyResult>('mqExplorer.sendRequest', {
      clusterId: cluster.id,
      topic: requests,
      replyTopic: replies,
      timeoutMs: 30_000,
    }));
    assert.equal(result.correlationId, 'order-7-conv');
    assert.equal(result.reply.topic, replies);
    assert.equal(result.reply.headers.find(([name]) => name === 'correlation-id')?.[1], 'order-7-conv');
    assert.deepEqual(JSON.parse(result.reply.value!), { orderId: 7, ok: true });
    assert.ok(result.roundTripMs >= 50, `round trip ${result.roundTripMs} ms is shorter than the responder's delay`);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'mqexplorer-conversation');
    assert.ok(shown, 'the result opened beside the request');
    assert.match(shown.document.getText(), /"roundTripMs"/);

    const stopped = await vscode.commands.executeCommand<string[]>('mqExplorer.stopResponder', { id: responder.id });
    assert.deepEqual(stopped, [responder.id]);
    assert.equal(api.listResponders().length, 0);
    const { groups } = await admin.listGroups();
    assert.equal(groups.some((g) => g.groupId === responder.groupId), false, 'the responder group is still on the cluster');
  });

  it('Send Request reports a timeout when no responder runs', async () => {
    const [requests, replies] = await topics('req-none', 'rep-none');
    await openFile('ping.txt', 'ping');
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.sendRequest', { clusterId: cluster.id, topic: requests, replyTopic: replies, timeoutMs: 1_000 });
    const error = await reported;
    assert.equal(error.commandId, 'mqExplorer.sendRequest');
    assert.match(error.message, /No reply arrived on ".*" within 1000 ms/);
  });

  it('Trace Conversation finds a saga across topics in time order and shows it as a timeline', async () => {
    const [a, b] = await topics('saga-a', 'saga-b');
    const id = randomUUID();
    const base = Date.now() - 10_000;
    const send = (topic: string, at: number, value: string) =>
      producer.send({ topic, messages: [{ value, headers: { 'correlation-id': id }, timestamp: String(base + at) }] });
    await send(b, 400, 'second');
    await send(a, 0, 'first');
    await send(a, 900, 'third');
    const trace = (await vscode.commands.executeCommand<ConversationTrace>('mqExplorer.traceConversation', {
      clusterId: cluster.id,
      correlationId: id,
      topics: [a, b],
      fromTime: new Date(base - 1_000).toISOString(),
    }));
    assert.deepEqual(trace.steps.map((s) => [s.value, s.latencyMs]), [['first', 0], ['second', 400], ['third', 500]]);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'markdown' && e.document.uri.scheme === 'mqexplorer-conversation');
    assert.ok(shown, 'the timeline opened as a document');
    assert.match(shown.document.getText(), /3 step\(s\), 900 ms in total/);
  });
});
