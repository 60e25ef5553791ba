import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { parseCsv } from '../../../src/tail/exportRecords';
import { kcatProduce } from '../../harness/kcat';
import { waitUntil } from '../../harness/util';
import { activateApi, addBrokerCluster, connectedAdmin, bootstrapServers, uniqueName } from './helpers';

/** The tail panel's new options, filter and export, through the real commands. */
describe('tail panel commands against a real broker', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: ReturnType<Kafka['admin']>;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-tail-'));

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('tail-cluster');
    admin = await connectedAdmin();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await admin?.disconnect();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('tails a topic pattern in pull mode from the beginning, filters, and exports what is shown', async () => {
    const stem = uniqueName('tailrx');
    for (const suffix of ['a', 'b']) {
      await admin.createTopics({ topics: [{ topic: `${stem}-${suffix}`, numPartitions: 1 }], waitForLeaders: true });
      await kcatProduce(bootstrapServers(), `${stem}-${suffix}`, [
        { key: `${suffix}1`, value: JSON.stringify({ type: 'OrderCreated', total: 10, note: 'a,"b"' }), headers: { source: 'web' } },
        { key: `${suffix}2`, value: JSON.stringify({ type: 'OrderPaid', total: 99 }) },
        { key: `${suffix}3`, value: 'plain text' },
      ]);
    }
    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', {
      clusterId: cluster.id,
      topicPattern: `^${stem}-`,
      start: 'earliest',
      mode: 'pull',
    });
    const panel = () => api.listTailPanels().find((p) => p.id === panelId);
    await waitUntil(() => panel()?.state === 'running', { timeoutMs: 30_000, what: 'the pull tail to join' });
    assert.deepEqual(panel()?.topics, [`${stem}-a`, `${stem}-b`]);
    assert.equal(panel()?.mode, 'pull');
    assert.equal(panel()?.identity?.kind, 'broadcast');
    assert.equal(panel()?.messages.length, 0, 'a pull tail fetched before being asked');

    assert.equal(await vscode.commands.executeCommand<number>('mqExplorer.tail.fetchNext', { panelId, count: 4 }), 4);
    assert.equal(panel()?.messages.length, 4);
    assert.equal(await vscode.commands.executeCommand<number>('mqExplorer.tail.fetchNext', { panelId, count: 100 }), 2, 'a pull stops at the end');
    assert.equal(panel()?.counts.retained, 6);

    await vscode.commands.executeCommand('mqExplorer.tail.filter', { panelId, spec: [{ kind: 'type', type: 'OrderCreated' }, { kind: 'header', name: 'source', value: 'web' }] });
    assert.deepEqual(panel()?.counts, { retained: 6, matched: 2, received: 6, dropped: 0 });
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      const file = path.join(tempDir, `shown.${format}`);
      assert.equal(await vscode.commands.executeCommand<number>('mqExplorer.tail.export', { panelId, file, format }), 2);
      const text = fs.readFileSync(file, 'utf8');
      const rows: { topic: string; key: string | null; value: string | null }[] =
        format === 'json'
          ? (JSON.parse(text) as { topic: string; key: string; value: string }[])
          : format === 'jsonl'
            ? text.trimEnd().split('\n').map((l) => JSON.parse(l) as { topic: string; key: string; value: string })
            : parseCsv(text).slice(1).map((cells) => ({ topic: cells[1], key: cells[4], value: cells[5] }));
      assert.deepEqual(
        rows.map((r) => [r.topic, r.key, r.value]).sort(),
        [`${stem}-a`, `${stem}-b`].map((t, i) => [t, `${'ab'[i]}1`, JSON.stringify({ type: 'OrderCreated', total: 10, note: 'a,"b"' })]),
        format,
      );
    }
    // The older arguments still open a push panel that starts at the end.
    const pushId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', { clusterId: cluster.id, topic: `${stem}-a`, fromBeginning: false });
    assert.notEqual(pushId, panelId);
    await waitUntil(() => api.listTailPanels().find((p) => p.id === pushId)?.state === 'running', { timeoutMs: 30_000, what: 'the push tail to run' });
    assert.equal(api.listTailPanels().find((p) => p.id === pushId)?.mode, 'push');
  });

  it('traces the conversation of a message picked in the tail panel', async () => {
    const orders = uniqueName('saga-orders');
    const payments = uniqueName('saga-payments');
    await admin.createTopics({ topics: [{ topic: orders, numPartitions: 1 }, { topic: payments, numPartitions: 1 }], waitForLeaders: true });
    const id = `conv-${uniqueName('id')}`;
    await kcatProduce(bootstrapServers(), orders, [
      { key: 'o-1', value: '{"type":"OrderPlaced"}', headers: { 'correlation-id': id } },
      { key: 'o-2', value: '{"type":"OrderPlaced"}', headers: { 'correlation-id': 'someone-else' } },
    ]);
    await kcatProduce(bootstrapServers(), payments, [{ key: 'p-1', value: '{"type":"PaymentTaken"}', headers: { 'correlation-id': id } }]);

    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', { clusterId: cluster.id, topic: orders, fromBeginning: true });
    const panel = () => api.listTailPanels().find((p) => p.id === panelId);
    await waitUntil(() => (panel()?.messages.length ?? 0) >= 2, { timeoutMs: 30_000, what: 'the two orders in the panel' });

    const trace = await vscode.commands.executeCommand<{ correlationId: string; steps: { topic: string; key: string | null }[] }>(
      'mqExplorer.tail.trace',
      { panelId, partition: 0, offset: '0', topics: [orders, payments] },
    );
    assert.equal(trace?.correlationId, id);
    assert.deepEqual(trace.steps.map((s) => [s.topic, s.key]), [
      [orders, 'o-1'],
      [payments, 'p-1'],
    ]);
  });
});
