import * as assert from 'node:assert/strict';
import { ConfigResourceTypes, ConfigSource, type Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { kcatProduce } from '../../harness/kcat';
import { waitUntil } from '../../harness/util';
import { activateApi, addBrokerCluster, connectedAdmin, bootstrapServers, nextReportedError, uniqueName } from './helpers';

/** Administration commands and read-only mode, run as the palette or a keybinding would. */
describe('administration and read-only mode against a real broker', function () {
  let api: MqExplorerApi;
  let cluster: ClusterEntry;
  let admin: ReturnType<Kafka['admin']>;

  before(async function () {
    api = await activateApi();
    cluster = await addBrokerCluster('admin');
  });

  // A fresh admin per test: kafkajs keeps refreshing every topic it once looked at, and these tests delete topics.
  beforeEach(async () => {
    admin = await connectedAdmin();
  });

  afterEach(async () => {
    await admin?.disconnect();
  });

  after(async () => {
    await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: cluster.id, skipConfirmation: true });
  });

  async function create(label: string, partitions = 1, configs?: Record<string, string>): Promise<string> {
    const name = uniqueName(label);
    await vscode.commands.executeCommand('mqExplorer.createTopic', { clusterId: cluster.id, name, partitions, replicationFactor: 1, configs });
    return name;
  }

  it('creates a topic with configs, changes and resets a config, adds partitions, purges and deletes', async () => {
    const topic = await create('ops', 1, { 'retention.ms': '3600000' });
    const overrides = async () =>
      (await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false })).resources[0].configEntries
        .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG)
        .map((e) => `${e.configName}=${e.configValue}`)
        .sort();
    assert.deepEqual(await overrides(), ['retention.ms=3600000']);
    await vscode.commands.executeCommand('mqExplorer.editTopicConfig', { clusterId: cluster.id, topic, name: 'cleanup.policy', value: 'compact' });
    assert.deepEqual(await overrides(), ['cleanup.policy=compact', 'retention.ms=3600000']);
    await vscode.commands.executeCommand('mqExplorer.resetTopicConfig', { clusterId: cluster.id, topic, name: 'retention.ms' });
    assert.deepEqual(await overrides(), ['cleanup.policy=compact']);

    await vscode.commands.executeCommand('mqExplorer.addPartitions', { clusterId: cluster.id, topic, count: 3 });
    await waitUntil(async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length === 3, { timeoutMs: 20_000, what: '3 partitions' });

    // A compacted topic accepts keyed records only.
    await kcatProduce(bootstrapServers(), topic, [0, 1, 2].map((partition) => ({ key: `k${partition}`, value: `v${partition}`, partition })));
    const refused = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.purgeTopic', { clusterId: cluster.id, topic, confirm: 'wrong name' });
    assert.match((await refused).message, /Not confirmed: type ".*" exactly/);
    const compacted = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.purgeTopic', { clusterId: cluster.id, topic, confirm: topic });
    assert.match((await compacted).message, /were not deleted .* Kafka refuses to delete records of a compacted topic \(cleanup\.policy=compact\)/);
    await vscode.commands.executeCommand('mqExplorer.resetTopicConfig', { clusterId: cluster.id, topic, name: 'cleanup.policy' });
    await vscode.commands.executeCommand('mqExplorer.purgeTopic', { clusterId: cluster.id, topic, confirm: topic });
    assert.deepEqual((await admin.fetchTopicOffsets(topic)).map((o) => o.low).sort(), ['1', '1', '1']);

    await vscode.commands.executeCommand('mqExplorer.deleteTopics', { clusterId: cluster.id, topics: [topic], confirm: topic });
    await waitUntil(async () => !(await admin.listTopics()).includes(topic), { timeoutMs: 20_000, what: 'the topic to be deleted' });
  });

  it('resets a group\'s offsets as previewed and deletes the empty group', async () => {
    const topic = await create('reset', 1);
    const groupId = uniqueName('group');
    await kcatProduce(bootstrapServers(), topic, Array.from({ length: 6 }, (_, i) => ({ value: `m${i}`, partition: 0 })));
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '5' }] });
    const plan = await vscode.commands.executeCommand<{ rows: { current: string; next: string; lagBefore: string; lagAfter: string }[] }>(
      'mqExplorer.resetOffsets',
      { clusterId: cluster.id, groupId, topic, target: { kind: 'offset', offset: '2' }, apply: true },
    );
    assert.deepEqual(plan?.rows.map((r) => [r.current, r.next, r.lagBefore, r.lagAfter]), [['5', '2', '1', '4']]);
    assert.equal((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset, '2');
    await vscode.commands.executeCommand('mqExplorer.deleteGroup', { clusterId: cluster.id, groupId, confirm: groupId });
    assert.equal((await admin.listGroups()).groups.some((g) => g.groupId === groupId), false);
  });

  it('refuses every write on a read-only cluster, from any entry point, and hides write actions in the tree', async () => {
    const topic = await create('readonly', 1);
    await vscode.commands.executeCommand('mqExplorer.toggleReadOnly', { clusterId: cluster.id, readOnly: true });
    try {
      const attempts: [string, Record<string, unknown>][] = [
        ['mqExplorer.createTopic', { clusterId: cluster.id, name: uniqueName('never'), partitions: 1, replicationFactor: 1 }],
        ['mqExplorer.deleteTopics', { clusterId: cluster.id, topics: [topic], confirm: topic }],
        ['mqExplorer.purgeTopic', { clusterId: cluster.id, topic, confirm: topic }],
        ['mqExplorer.addPartitions', { clusterId: cluster.id, topic, count: 2 }],
        ['mqExplorer.editTopicConfig', { clusterId: cluster.id, topic, name: 'retention.ms', value: '1000' }],
      ];
      for (const [command, arg] of attempts) {
        const reported = nextReportedError(api);
        await vscode.commands.executeCommand(command, arg);
        assert.match((await reported).message, new RegExp(`"${cluster.name}" is read-only: .* is not allowed`), command);
      }
      assert.ok((await admin.listTopics()).includes(topic), 'the topic was deleted on a read-only cluster');
      assert.equal((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length, 1);

      const root = await api.clustersTree.getChildren();
      const clusterNode = root.find((n) => n.id === `cluster:${cluster.id}`)!;
      assert.equal(api.clustersTree.getTreeItem(clusterNode).contextValue, 'cluster.ro');
      const topics = (await api.clustersTree.getChildren(clusterNode)).find((n) => n.id === `topics:${cluster.id}`)!;
      const topicNode = (await api.clustersTree.getChildren(topics)).find((n) => n.id === `topic:${cluster.id}:${topic}`)!;
      assert.equal(api.clustersTree.getTreeItem(topicNode).contextValue, 'topic.ro', 'write actions are keyed on "topic"');
    } finally {
      await vscode.commands.executeCommand('mqExplorer.toggleReadOnly', { clusterId: cluster.id, readOnly: false });
    }
    await vscode.commands.executeCommand('mqExplorer.deleteTopics', { clusterId: cluster.id, topics: [topic], confirm: topic });
    await waitUntil(async () => !(await admin.listTopics()).includes(topic), { timeoutMs: 20_000, what: 'the topic to be deleted once writable' });
  });
});
