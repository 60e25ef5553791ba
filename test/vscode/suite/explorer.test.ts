import * as assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import type { ExplorerNode } from '../../../src/explorer/nodes';
import { KafkaCluster } from '../../harness/kafkaCluster';
import { kcatProduce } from '../../harness/kcat';
import { waitUntil } from '../../harness/util';
import { activateApi, bootstrapServers, uniqueName } from './helpers';

/** Walks the Clusters tree as the view does: children, then their tree items. */
class TreeWalker {
  constructor(private readonly api: MqExplorerApi) {}

  async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    return this.api.clustersTree.getChildren(node);
  }

  label(node: ExplorerNode): string {
    const label = node.toTreeItem().label;
    return typeof label === 'string' ? label : (label?.label ?? '');
  }

  description(node: ExplorerNode): string {
    return String(node.toTreeItem().description ?? '');
  }

  async child(node: ExplorerNode | undefined, label: string | RegExp): Promise<ExplorerNode> {
    const found = (await this.children(node)).find((c) => (typeof label === 'string' ? this.label(c) === label : label.test(this.label(c))));
    assert.ok(found, `no child "${String(label)}" under ${node ? this.label(node) : 'the root'}: ${(await this.children(node)).map((c) => this.label(c)).join(', ')}`);
    return found;
  }

  /** label: description of every child, for readable assertions. */
  async lines(node: ExplorerNode): Promise<string[]> {
    return (await this.children(node)).map((c) => `${this.label(c)}: ${this.description(c)}`);
  }
}

describe('Clusters tree against a real broker', function () {
  let api: MqExplorerApi;
  let tree: TreeWalker;
  let cluster: ClusterEntry;
  let kafka: Kafka;

  before(async function () {
    api = await activateApi();
    tree = new TreeWalker(api);
    cluster = (await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', { name: uniqueName('tree'), bootstrapServers: bootstrapServers() }))!;
    kafka = new Kafka({ brokers: bootstrapServers().split(','), logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: cluster.id, skipConfirmation: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows brokers, topics with partitions and configuration, and consumer groups with exact lag', async () => {
    const topic = uniqueName('orders');
    const groupId = uniqueName('billing');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
        waitForLeaders: true,
      });
      await kcatProduce(bootstrapServers(), topic, [0, 0, 0, 1].map((partition, i) => ({ value: `m${i}`, partition })));
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '1' }] });
    } finally {
      await admin.disconnect();
    }

    const clusterNode = await tree.child(undefined, cluster.name);
    assert.deepEqual((await tree.children(clusterNode)).map((n) => tree.label(n)), ['Brokers', 'Topics', 'Consumer Groups']);
    const brokers = await tree.child(clusterNode, 'Brokers');
    assert.equal(tree.description(brokers), '1');
    assert.match((await tree.lines(brokers))[0], /^broker \d+: 127\.0\.0\.1:\d+/);

    const topicNode = await tree.child(await tree.child(clusterNode, 'Topics'), topic);
    assert.equal(tree.description(topicNode), '2 partitions');
    const partitions = (await tree.lines(topicNode)).filter((l) => l.startsWith('partition'));
    assert.deepEqual(
      partitions.map((l) => l.replace(/leader \d+ · replicas \d+ · ISR \d+ · /, '')),
      ['partition 0: offsets 0–3 (3 messages)', 'partition 1: offsets 0–1 (1 message)'],
    );
    const configs = await tree.lines(await tree.child(topicNode, 'Configuration'));
    assert.equal(configs[0], 'retention.ms: 7200000 · topic override', 'overrides come first');
    assert.ok(configs.some((l) => /^cleanup\.policy: delete · default$/.test(l)));

    const group = await tree.child(await tree.child(clusterNode, 'Consumer Groups'), groupId);
    assert.equal(tree.description(group), 'Empty · 0 members · lag 2');
    assert.deepEqual(await tree.lines(group), [`${topic} [0]: committed 1 / end 3 · lag 2`, `${topic} [1]: committed 1 / end 1 · lag 0`]);
  });

  it('redraws the topic count beside "Topics" when a topic is created', async () => {
    const folder = await tree.child(await tree.child(undefined, cluster.name), 'Topics');
    await tree.children(folder); // shown expanded, as in the view
    const before = Number(tree.description(folder));
    const redrawn: (ExplorerNode | undefined)[] = [];
    const listener = api.clustersTree.onDidChangeTreeData((node) => redrawn.push(...(Array.isArray(node) ? node : [node])));
    try {
      const name = uniqueName('counted');
      await vscode.commands.executeCommand('mqExplorer.createTopic', { clusterId: cluster.id, name, partitions: 1, replicationFactor: 1 });
      // The view asks for the folder's children after the create command's refresh; so does this.
      const names = (await tree.children(folder)).map((n) => tree.label(n));
      assert.ok(names.includes(name), names.join(', '));
      assert.equal(tree.description(folder), String(before + 1));
      assert.ok(redrawn.includes(folder), 'the folder was not drawn again');
    } finally {
      listener.dispose();
    }
  });

  it('filters topics and groups by name, and clears the filter', async () => {
    const wanted = uniqueName('filter-me');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: wanted, numPartitions: 1 }, { topic: uniqueName('other'), numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    await vscode.commands.executeCommand('mqExplorer.filterCluster', { clusterId: cluster.id, filter: 'FILTER-ME' });
    const topics = await tree.child(await tree.child(undefined, cluster.name), 'Topics');
    const labels = (await tree.children(topics)).map((n) => tree.label(n));
    assert.deepEqual(labels, ['Filtered by "filter-me"', wanted]);
    await vscode.commands.executeCommand('mqExplorer.filterCluster', { clusterId: cluster.id, filter: '' });
    const all = (await tree.children(await tree.child(await tree.child(undefined, cluster.name), 'Topics'))).map((n) => tree.label(n));
    assert.ok(all.length > 2 && all.includes(wanted) && !all.some((l) => l.startsWith('Filtered')));
  });

  it('describes a node as read-only JSON and copies names', async () => {
    const topics = await tree.child(await tree.child(undefined, cluster.name), 'Topics');
    const topicNode = (await tree.children(topics))[0];
    const text = await vscode.commands.executeCommand<string>('mqExplorer.describeNode', topicNode);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.scheme, 'mqexplorer-describe');
    assert.equal(editor.document.languageId, 'json');
    assert.equal((JSON.parse(text ?? '{}') as { name?: string }).name, tree.label(topicNode));
    await vscode.commands.executeCommand('mqExplorer.copyName', topicNode);
    assert.equal(await vscode.env.clipboard.readText(), tree.label(topicNode));
  });

  it('shows an unreachable cluster as an error node with next steps, not a popup', async () => {
    const nowhere = (await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', { name: uniqueName('down'), bootstrapServers: '127.0.0.1:1' }));
    try {
      const [error] = await tree.children(await tree.child(undefined, nowhere.name));
      assert.equal(tree.label(error), `Failed to load ${nowhere.name}`);
      assert.match(tree.description(error), /connection to 127\.0\.0\.1:1 was refused/);
      assert.deepEqual((await tree.children(error)).map((n) => tree.label(n)), ['Retry', 'Edit Connection…', 'Start Local Kafka…', 'Show Logs']);
    } finally {
      await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: nowhere.id, skipConfirmation: true });
    }
  });
});

describe('Clusters tree on a 3-broker cluster', function () {
  this.timeout(180_000);
  let api: MqExplorerApi;
  let tree: TreeWalker;
  let kafkaCluster: KafkaCluster | undefined;
  let cluster: ClusterEntry;

  before(async function () {
    api = await activateApi();
    tree = new TreeWalker(api);
    kafkaCluster = await KafkaCluster.start({ nodes: 3 });
    cluster = (await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', { name: uniqueName('three'), bootstrapServers: kafkaCluster.bootstrapServers }))!;
  });

  after(async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: cluster.id, skipConfirmation: true });
    await kafkaCluster?.stop();
  });

  it('shows 3 brokers, a topic with replication factor 3 in full ISR, and the shrunken ISR after a broker stops', async () => {
    assert.ok(kafkaCluster);
    const topic = uniqueName('replicated');
    await vscode.commands.executeCommand('mqExplorer.createTopic', { clusterId: cluster.id, name: topic, partitions: 1, replicationFactor: 3 });
    const clusterNode = await tree.child(undefined, cluster.name);
    assert.deepEqual((await tree.lines(await tree.child(clusterNode, 'Brokers'))).map((l) => l.split(':')[0]), ['broker 1', 'broker 2', 'broker 3']);
    // Brokers learn of a new topic a moment apart; the listing may come from any of them.
    const topicNode = await waitUntil(
      async () => (await tree.children(await tree.child(await tree.child(undefined, cluster.name), 'Topics'))).find((n) => tree.label(n) === topic),
      { timeoutMs: 15_000, what: `${topic} in the tree` },
    );
    assert.match((await tree.lines(topicNode))[1], /^partition 0: leader \d · replicas 1,2,3 · ISR 1,2,3 · /);

    await kafkaCluster.stopNode(3);
    await vscode.commands.executeCommand('mqExplorer.refresh');
    const shrunk = await waitUntil(
      async () => {
        const node = await tree.child(await tree.child(await tree.child(undefined, cluster.name), 'Topics'), topic);
        const line = (await tree.lines(node))[1];
        return /ISR 1,2 ·/.test(line) ? line : undefined;
      },
      { timeoutMs: 60_000, what: 'the tree to show ISR 1,2' },
    );
    assert.match(shrunk, /replicas 1,2,3 · ISR 1,2 · /);
    const partition = (await tree.children(await tree.child(await tree.child(await tree.child(undefined, cluster.name), 'Topics'), topic)))[1];
    assert.equal((partition.toTreeItem().iconPath as vscode.ThemeIcon).id, 'warning', 'an under-replicated partition is flagged');
  });
});
