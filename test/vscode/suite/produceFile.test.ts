import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import type { ProduceOutcome } from '../../../src/commands/produce/runProduce';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import { kcatConsume } from '../../harness/kcat';
import type { MqExplorerApi } from '../../../src/extension';
import { activateApi, addBrokerCluster, bootstrapServers, connectedAdmin, nextReportedError, uniqueName } from './helpers';

/** Produce File…: files sent from disk without being opened in an editor, against a real broker. */
describe('produce file from disk (in the extension host)', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: ReturnType<Kafka['admin']>;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-produce-file-'));

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('produce-file-cluster');
    admin = await connectedAdmin();
  });

  after(async () => {
    await admin?.disconnect();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  async function topic(label: string, partitions = 1): Promise<string> {
    const name = uniqueName(label);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
    return name;
  }

  async function messagesOn(t: string): Promise<number> {
    return (await admin.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  }

  function isOpen(file: string): boolean {
    return vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file);
  }

  it('sends an 18 MB JSONL file that VS Code would not display, given as the explorer gives it (a Uri), without opening it', async function () {
    this.timeout(180_000);
    const file = path.join(tempDir, 'very-large.jsonl');
    const pad = 'x'.repeat(80);
    const count = 180_000;
    const out = fs.openSync(file, 'w');
    for (let start = 0; start < count; start += 10_000) {
      const chunk = Array.from({ length: Math.min(10_000, count - start) }, (_, i) => `{"i":${start + i},"pad":"${pad}"}\n`).join('');
      fs.writeSync(out, chunk);
    }
    fs.closeSync(out);
    assert.ok(fs.statSync(file).size > 16.5 * 1024 * 1024, `the file is ${fs.statSync(file).size} bytes`);
    const t = await topic('produce-file-large', 2);

    const outcome = await vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceFile', vscode.Uri.file(file), {
      clusterId: cluster.id,
      topic: t,
      quiet: true,
    });
    assert.deepEqual([outcome.sent, outcome.failed, outcome.topic], [count, 0, t]);
    assert.equal(outcome.ranges.reduce((n, r) => n + r.count, 0), count);
    assert.equal(isOpen(file), false, 'Produce File opened the file in an editor');
    assert.equal(await messagesOn(t), count);
    // kcat (an independent client) reads the first messages back as the file wrote them.
    const first = await kcatConsume(bootstrapServers(), t, { count: 2 });
    assert.ok(first.every((r) => /^\{"i":\d+,"pad":"x{80}"\}$/.test(r.value ?? '')), JSON.stringify(first.map((r) => r.value)));
  });

  it('sends a small JSON array file as one message per element, key from the arguments', async () => {
    const file = path.join(tempDir, 'orders.json');
    fs.writeFileSync(file, '[{"id": 1}, {"id": 2}, {"id": 3}]\n');
    const t = await topic('produce-file-json');
    const outcome = await vscode.commands.executeCommand<ProduceOutcome>('mqExplorer.produceFile', {
      file,
      clusterId: cluster.id,
      topic: t,
      key: 'k',
      quiet: true,
    });
    assert.deepEqual([outcome.sent, outcome.failed, outcome.path], [3, 0, 'messages']);
    const records = await kcatConsume(bootstrapServers(), t, { count: 3 });
    assert.deepEqual(records.map((r) => [r.key, r.value]), [['k', '{"id": 1}'], ['k', '{"id": 2}'], ['k', '{"id": 3}']]);
    assert.equal(isOpen(file), false);
  });

  it('says what is wrong with a file that cannot be produced', async () => {
    const empty = path.join(tempDir, 'empty.jsonl');
    fs.writeFileSync(empty, '\n\n');
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.produceFile', vscode.Uri.file(empty), { clusterId: cluster.id, topic: 'x', quiet: true });
    assert.match((await reported).message, /"empty\.jsonl" is empty: there is nothing to send\./);
  });
});
