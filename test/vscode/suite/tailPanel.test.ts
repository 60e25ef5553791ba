import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Kafka, Kafka as KafkaClient, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { parseCsv } from '../../../src/tail/exportRecords';
import { type TimeHistogram, type TimeRange, rangeOfBins } from '../../../src/tail/histogram';
import type { StoreCounts } from '../../../src/tail/recordStore';
import type { TailJump } from '../../../src/webview/protocol';
import type { OpenedMessage } from '../../../src/webview/tailActions';
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
            : parseCsv(text).slice(1).map((cells) => ({ topic: cells[2], key: cells[5], value: cells[7] }));
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

  it('brushes the time histogram into a time filter, jumps to an offset, and opens a message in an editor', async () => {
    const topic = uniqueName('tail-times');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    // Ten messages ten seconds apart, from a whole minute half an hour ago: offsets 0..9, every
    // third one (2, 5, 8) plain text, the others JSON with an id beyond 2^53.
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
    const valueOf = (i: number): string => (i % 3 === 2 ? `plain ${i}` : `{"n":${i},"id":12345678901234567890}`);
    const producer = new KafkaClient({ brokers: bootstrapServers().split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: valueOf(i), timestamp: String(base + i * 10_000) })) });
    } finally {
      await producer.disconnect();
    }
    const panelId = await vscode.commands.executeCommand<string>('mqExplorer.tailTopic', { clusterId: cluster.id, topic, fromBeginning: true });
    const panel = () => api.listTailPanels().find((p) => p.id === panelId);
    await waitUntil(() => panel()?.counts.retained === 10, { timeoutMs: 30_000, what: 'the ten messages in the panel' });

    // The histogram spans the whole view: 90 s + 1 ms in 100 bars; message i sits in bar floor(i * 11.1).
    const histogram = await vscode.commands.executeCommand<TimeHistogram>('mqExplorer.tail.histogram', { panelId });
    assert.equal(histogram.start, base);
    assert.equal(histogram.end, base + 90_001);
    assert.equal(histogram.total, 10);
    assert.equal(histogram.counts.length, 100);
    assert.deepEqual(histogram.counts.flatMap((c, i) => (c > 0 ? [[i, c]] : [])), [[0, 1], [11, 1], [22, 1], [33, 1], [44, 1], [55, 1], [66, 1], [77, 1], [88, 1], [99, 1]]);

    // Brushing bars 0..49 selects the first five messages; the other filters still apply on top.
    const brushed = await vscode.commands.executeCommand<{ range: TimeRange; counts: StoreCounts }>('mqExplorer.tail.selectTime', { panelId, bins: [49, 0] });
    assert.deepEqual(brushed.range, rangeOfBins(histogram, 0, 49));
    assert.deepEqual(brushed.range, { from: base, to: base + 45_000 });
    assert.equal(brushed.counts.matched, 5);
    assert.deepEqual(panel()?.timeRange, brushed.range);
    await vscode.commands.executeCommand('mqExplorer.tail.filter', { panelId, spec: [{ kind: 'json', path: 'n', op: 'exists' }] });
    assert.deepEqual(panel()?.counts, { retained: 10, matched: 4, received: 10, dropped: 0 });
    assert.deepEqual(panel()?.filter, [{ kind: 'json', path: 'n', op: 'exists' }, { kind: 'time', from: base, to: base + 45_000 }]);
    const zoomed = await vscode.commands.executeCommand<TimeHistogram>('mqExplorer.tail.histogram', { panelId });
    assert.deepEqual([zoomed.start, zoomed.end, zoomed.total], [base, base + 40_001, 4]);
    const jsonl = path.join(tempDir, 'brushed.jsonl');
    assert.equal(await vscode.commands.executeCommand<number>('mqExplorer.tail.export', { panelId, file: jsonl, format: 'jsonl' }), 4);
    const exported = fs.readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { offset: string; timestamp: string; value: string });
    assert.deepEqual(exported.map((m) => [m.offset, m.timestamp, m.value]), [0, 1, 3, 4].map((i) => [String(i), new Date(base + i * 10_000).toISOString(), valueOf(i)]));
    const csv = path.join(tempDir, 'brushed.csv');
    assert.equal(await vscode.commands.executeCommand<number>('mqExplorer.tail.export', { panelId, file: csv, format: 'csv' }), 4);
    assert.deepEqual(parseCsv(fs.readFileSync(csv, 'utf8')).slice(1).map((cells) => cells[4]), ['0', '1', '3', '4']);

    // Jump to offset: a shown one is selected; one outside the brush is hidden; one never fetched is not retained.
    const shown = await vscode.commands.executeCommand<TailJump>('mqExplorer.tail.jumpToOffset', { panelId, partition: 0, offset: '3' });
    assert.deepEqual([shown.found, shown.index], [true, 2]);
    assert.deepEqual(panel()?.selected && [panel()?.selected?.topic, panel()?.selected?.partition, panel()?.selected?.offset], [topic, 0, '3']);
    const hidden = await vscode.commands.executeCommand<TailJump>('mqExplorer.tail.jumpToOffset', { panelId, partition: 0, offset: 7 });
    assert.equal(hidden.found, false);
    assert.match(hidden.text, /^Offset 7 of partition 0 is retained but hidden by the filter/);
    const missing = await vscode.commands.executeCommand<TailJump>('mqExplorer.tail.jumpToOffset', { panelId, partition: 0, offset: '50' });
    assert.equal(missing.text, 'Offset 50 of partition 0 is not among the retained messages (retained: 0–9).');
    assert.equal(panel()?.selected?.offset, '3', 'a failed jump must keep the selection');

    // Clearing the selection keeps the other filter.
    const cleared = await vscode.commands.executeCommand<{ range?: TimeRange; counts: StoreCounts }>('mqExplorer.tail.selectTime', { panelId, clear: true });
    assert.equal(cleared.range, undefined);
    assert.equal(cleared.counts.matched, 7);
    assert.equal(panel()?.timeRange, undefined);
    const late = await vscode.commands.executeCommand<TailJump>('mqExplorer.tail.jumpToOffset', { panelId, partition: 0, offset: '9' });
    assert.deepEqual([late.found, late.index, panel()?.selected?.offset], [true, 6, '9']);

    // Open in editor: JSON pretty-printed with its 64-bit id intact, as json; text as plaintext.
    const opened: vscode.TextDocument[] = [];
    for (const [offset, languageId, text] of [
      ['1', 'json', '{\n  "n": 1,\n  "id": 12345678901234567890\n}'],
      ['2', 'plaintext', 'plain 2'],
    ]) {
      await vscode.commands.executeCommand('mqExplorer.tail.filter', { panelId, spec: [] });
      const result = await vscode.commands.executeCommand<OpenedMessage>('mqExplorer.tail.openInEditor', { panelId, partition: 0, offset });
      assert.deepEqual([result.languageId, result.text], [languageId, text], `offset ${offset}`);
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.uri);
      assert.ok(document, `no open document ${result.uri}`);
      assert.equal(document.isUntitled, true);
      assert.equal(document.languageId, languageId);
      assert.equal(document.getText(), text);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), result.uri);
      opened.push(document);
    }
    // Untitled editors with text would ask to be saved on closeAllEditors: revert them first.
    for (const document of opened) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
