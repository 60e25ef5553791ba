import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import { ProduceFeature } from '../../../src/commands/produce/produceFeature';
import type { ProduceOutcome } from '../../../src/commands/produce/runProduce';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { kcatConsume } from '../../harness/kcat';
import { waitUntil } from '../../harness/util';
import { activateApi, addBrokerCluster, connectedAdmin, bootstrapServers, nextReportedError, uniqueName } from './helpers';

/** Producing from files with the real commands, CodeLens and diagnostics, against a real broker. */
describe('produce from files (in the extension host)', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: ReturnType<Kafka['admin']>;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-produce-'));

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('produce-cluster');
    admin = await connectedAdmin();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('mqExplorer.produce').update('contracts', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await admin?.disconnect();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  async function topic(label: string, partitions = 1): Promise<string> {
    const name = uniqueName(label);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
    return name;
  }

  async function openFile(name: string, content: string): Promise<vscode.TextEditor> {
    const file = path.join(tempDir, name);
    fs.writeFileSync(file, content);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  }

  it('shows failed lines as errors and lines of unknown delivery as warnings saying they may be on the broker', async () => {
    const editor = await openFile('outcomes.jsonl', '{"n": 1}\n{"n": 2}\n{"n": 3}\n');
    const values = new Map<string, unknown>();
    const memento: vscode.Memento = {
      keys: () => [...values.keys()],
      get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
      update: (key: string, value: unknown) => Promise.resolve(void values.set(key, value)),
    };
    const feature = new ProduceFeature(memento, 'mqExplorer.stopProducing');
    try {
      const uri = editor.document.uri;
      feature.showIssues(uri, [{ line: 0, column: 0, reason: 'connection refused' }], [{ line: 2, column: 0, reason: 'the connection closed' }]);
      const shown = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'MQ Explorer');
      assert.deepEqual(
        shown.map((d) => [d.range.start.line, d.severity]),
        [
          [0, vscode.DiagnosticSeverity.Error],
          [2, vscode.DiagnosticSeverity.Warning],
        ],
      );
      assert.match(shown[1].message, /^Delivery unknown: .*may or may not be on the broker/);
    } finally {
      feature.dispose();
    }
  });

  it('sends a JSONL file with envelopes: one message per line, keys and headers from the file', async () => {
    const t = await topic('jsonl');
    await openFile('orders.jsonl', '{"key": "a", "value": {"n": 1}, "headers": {"h": "1"}}\n\n{"key": "b", "value": {"n": 2}}\n');
    const outcome = await vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic: t, quiet: true });
    assert.deepEqual([outcome.sent, outcome.failed, outcome.partition, outcome.offset], [2, 0, 0, '0']);
    const records = await kcatConsume(bootstrapServers(), t, { count: 2 });
    assert.deepEqual(records.map((r) => [r.key, r.value, r.headers]), [['a', '{"n":1}', { h: '1' }], ['b', '{"n":2}', {}]]);
  });

  it('sends a large saved JSONL file by the bulk path, and the same file with unsaved edits line by line', async function () {
    this.timeout(120_000);
    const lines = Array.from({ length: 25_000 }, (_, i) => `{"i":${i}}`);
    const editor = await openFile('large.jsonl', `${lines.join('\n')}\n`);
    const [saved, edited] = [await topic('large-saved', 2), await topic('large-edited', 2)];
    const run = (t: string) =>
      vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic: t, quiet: true });
    const bulk = await run(saved);
    assert.deepEqual([bulk.path, bulk.sent, bulk.failed, bulk.ranges.reduce((n, r) => n + r.count, 0)], ['bulk', 25_000, 0, 25_000]);
    assert.equal((await kcatConsume(bootstrapServers(), saved, { count: 25_001, exitAtEnd: true, timeoutMs: 60_000 })).length, 25_000);
    // An unsaved edit: the editor's text is sent, not the file on disk.
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, 0, lines[0].length), '{"i":"edited"}'));
    try {
      const perMessage = await run(edited);
      assert.deepEqual([perMessage.path, perMessage.sent, perMessage.failed], ['messages', 25_000, 0]);
      const records = await kcatConsume(bootstrapServers(), edited, { count: 25_001, exitAtEnd: true, timeoutMs: 60_000 });
      assert.equal(records.length, 25_000);
      assert.ok(records.some((r) => r.value === '{"i":"edited"}'));
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('shows CodeLens above each message and "Produce" sends only that line', async () => {
    const t = await topic('lens');
    const editor = await openFile('lens.jsonl', '// @topic ignored-here\n{"value": "first"}\n{"value": "second"}\n');
    const lenses = await waitUntil(
      async () => {
        const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
        return found && found.length >= 4 ? found : undefined;
      },
      { timeoutMs: 10_000, what: 'produce CodeLens' },
    );
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((title) => title.startsWith('$(send) Produce all → ignored-here')), titles.join(' | '));
    const perLine = lenses.filter((l) => l.command?.title === 'Produce').map((l) => l.range.start.line);
    assert.deepEqual(perLine, [1, 2]);
    const second = lenses.find((l) => l.command?.title === 'Produce' && l.range.start.line === 2)!;
    const [arg] = second.command!.arguments as [Record<string, unknown>];
    await vscode.commands.executeCommand(second.command!.command, { ...arg, clusterId: cluster.id, topic: t, quiet: true });
    // Everything the topic holds (-e): only the one line.
    const records = await kcatConsume(bootstrapServers(), t, { count: 2, exitAtEnd: true });
    assert.deepEqual(records.map((r) => r.value), ['second']);
  });

  it('reports a contract violation as a diagnostic at its line and sends nothing; "valid only" sends the rest', async () => {
    const t = await topic('contract');
    const schema = path.join(tempDir, 'order.schema.json');
    fs.writeFileSync(schema, JSON.stringify({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }));
    await vscode.workspace
      .getConfiguration('mqExplorer.produce')
      .update('contracts', [{ topic: t, schema }], vscode.ConfigurationTarget.Global);
    const editor = await openFile('contract.jsonl', '{"id": 1}\n{"id": "two"}\n{"id": 3}\n');
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic: t, quiet: true });
    assert.match((await reported).message, /1 problem found, nothing was sent\. First at line 2, column 1: Breaks the contract order\.schema\.json: \/id must be integer/);
    const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
    assert.deepEqual(diagnostics.map((d) => d.range.start.line), [1]);
    assert.equal((await admin.fetchTopicOffsets(t))[0].high, '0');

    const outcome = await vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceFromEditor', {
      clusterId: cluster.id,
      topic: t,
      quiet: true,
      validOnly: true,
    });
    assert.deepEqual([outcome.sent, outcome.failed, outcome.failures[0]?.line], [2, 1, 1]);
    const records = await kcatConsume(bootstrapServers(), t, { count: 3, exitAtEnd: true });
    assert.deepEqual(records.map((r) => r.value), ['{"id": 1}', '{"id": 3}']);
  });

  it('reports malformed JSON with line and column, and a missing topic with what to do', async () => {
    await openFile('broken.json', '{\n  "a": 1,\n  "b": ]\n}');
    let reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic: await topic('broken'), quiet: true });
    assert.match((await reported).message, /First at line 3, column 8: Malformed JSON/);

    await openFile('fine.json', '{"a": 1}');
    const missing = uniqueName('missing');
    reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.produceFromEditor', { clusterId: cluster.id, topic: missing, quiet: true });
    assert.match((await reported).message, new RegExp(`Topic "${missing}" does not exist on .*Create it first`));
  });

  it('Produce N Times with templates sends distinct values; Produce Every T Seconds runs until stopped', async () => {
    const t = await topic('repeat');
    await openFile('template.kafka.json', '{"key": "{{uuid}}", "value": {"n": "{{seq}}", "email": "{{email}}"}}');
    const outcome = await vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceTimes', { clusterId: cluster.id, topic: t, quiet: true, times: 5 });
    assert.equal(outcome.sent, 5);
    const records = await kcatConsume(bootstrapServers(), t, { count: 5 });
    assert.deepEqual(records.map((r) => (JSON.parse(r.value!) as { n: number }).n), [1, 2, 3, 4, 5]);
    assert.equal(new Set(records.map((r) => r.key)).size, 5);

    const id = await vscode.commands.executeCommand<string>('mqExplorer.produceEvery', { clusterId: cluster.id, topic: t, seconds: 0.2 });
    await waitUntil(() => (api.listProduceRepeats().find((r) => r.id === id)?.sent ?? 0) >= 3, { timeoutMs: 20_000, what: 'three repeated sends' });
    await vscode.commands.executeCommand('mqExplorer.stopProducing', { id });
    assert.equal(api.listProduceRepeats().some((r) => r.id === id), false);
    const offsets = await admin.fetchTopicOffsets(t);
    assert.ok(Number(offsets[0].high) >= 8, `high watermark ${offsets[0].high}`);
  });
});
