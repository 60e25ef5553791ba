import * as vscode from 'vscode';
import type { TopicSummary } from '../../core/brokerClient';
import type { ConfigEntry, PartitionInfo } from '../../core/clusterModel';
import type { ClusterEntry } from '../../connections/connectionService';
import { ClusterScopedNode, type ExplorerContext, type ExplorerNode, MessageNode, loadOrExplain, matchesFilter, plural } from './base';

export class TopicsFolderNode extends ClusterScopedNode {
  readonly kind = 'topics';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    private topics: TopicSummary[],
  ) {
    super(cluster);
    this.id = `topics:${cluster.id}`;
    this.listed = topics;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Topics', vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = String(userTopicCount(this.topics));
    item.iconPath = new vscode.ThemeIcon('list-unordered');
    item.contextValue = 'topics';
    return item;
  }

  /**
   * The cluster's first load hands its listing over; a refresh of this folder alone (after a
   * create or delete) lists again.
   */
  private listed: TopicSummary[] | undefined;

  override children(ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return loadOrExplain(ctx, this, 'topics', async () => {
      const topics = this.listed ?? (await this.client(ctx).listTopics());
      this.listed = undefined;
      if (userTopicCount(topics) !== userTopicCount(this.topics)) {
        // The count beside "Topics" was drawn from the previous listing: draw the folder again,
        // handing this listing over so the broker is not asked twice.
        this.topics = topics;
        this.listed = topics;
        ctx.redraw(this);
      }
      const filter = ctx.filterOf(this.cluster.id);
      const showInternal = ctx.showInternalTopics();
      const visible = topics.filter((t) => (showInternal || !t.internal) && matchesFilter(t.name, filter));
      if (visible.length === 0) {
        const label = filter ? `No topic matches "${filter}"` : 'No topics yet';
        return [new MessageNode(`empty:${this.id}`, label, 'info')];
      }
      const nodes: ExplorerNode[] = visible.map((topic) => new TopicNode(this.cluster, topic));
      if (filter) {
        nodes.unshift(new MessageNode(`filter:${this.id}`, `Filtered by "${filter}"`, 'info', [], `${visible.length} of ${topics.length}`));
      }
      return nodes;
    });
  }
}

function userTopicCount(topics: readonly TopicSummary[]): number {
  return topics.filter((t) => !t.internal).length;
}

export class TopicNode extends ClusterScopedNode {
  readonly kind = 'topic';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly topic: TopicSummary,
  ) {
    super(cluster);
    this.id = `topic:${cluster.id}:${topic.name}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.topic.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = plural(this.topic.partitionCount, 'partition');
    item.tooltip = `${this.topic.name} (${item.description})${this.topic.internal ? '\nInternal topic' : ''}`;
    item.iconPath = new vscode.ThemeIcon(this.topic.internal ? 'lock' : 'symbol-event');
    item.contextValue = 'topic';
    return item;
  }

  override children(ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return loadOrExplain(ctx, this, `the partitions of ${this.topic.name}`, async () => {
      const described = await this.client(ctx).describeTopic(this.topic.name);
      return [
        new ConfigFolderNode(this.cluster, this.topic.name),
        ...described.partitions.map((p) => new PartitionNode(this.cluster, this.topic.name, p)),
      ];
    });
  }

  override describe(): unknown {
    return this.topic;
  }

  override copyText(): string {
    return this.topic.name;
  }
}

export class PartitionNode extends ClusterScopedNode {
  readonly kind = 'partition';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly topic: string,
    readonly info: PartitionInfo,
  ) {
    super(cluster);
    this.id = `partition:${cluster.id}:${topic}:${info.partition}`;
  }

  /** Fewer in-sync replicas than assigned, or no leader at all. */
  get health(): 'ok' | 'under-replicated' | 'offline' {
    if (this.info.leader < 0) {
      return 'offline';
    }
    return this.info.isr.length < this.info.replicas.length ? 'under-replicated' : 'ok';
  }

  toTreeItem(): vscode.TreeItem {
    const p = this.info;
    const item = new vscode.TreeItem(`partition ${p.partition}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const leader = p.leader < 0 ? 'no leader' : `leader ${p.leader}`;
    item.description = `${leader} · replicas ${p.replicas.join(',')} · ISR ${p.isr.join(',') || '-'} · offsets ${p.earliest}–${p.latest} (${plural(p.messageCount, 'message')})`;
    item.tooltip = [
      `Partition ${p.partition} of ${this.topic}`,
      `Leader: ${p.leader < 0 ? 'none' : p.leader}`,
      `Replicas: ${p.replicas.join(', ')}`,
      `In-sync replicas: ${p.isr.join(', ') || 'none'}`,
      p.offlineReplicas.length > 0 ? `Offline replicas: ${p.offlineReplicas.join(', ')}` : '',
      `Earliest offset: ${p.earliest}; latest (next) offset: ${p.latest}`,
      `Messages: ${p.messageCount} (fewer with compaction or transaction markers)`,
      this.health === 'ok' ? '' : this.health === 'offline' ? 'OFFLINE: no leader' : 'UNDER-REPLICATED',
    ]
      .filter(Boolean)
      .join('\n');
    item.iconPath =
      this.health === 'ok'
        ? new vscode.ThemeIcon('symbol-number')
        : new vscode.ThemeIcon('warning', new vscode.ThemeColor(this.health === 'offline' ? 'errorForeground' : 'editorWarning.foreground'));
    item.contextValue = 'partition';
    return item;
  }

  override describe(): unknown {
    return { topic: this.topic, ...this.info };
  }

  override copyText(): string {
    return `${this.topic} partition ${this.info.partition}: earliest ${this.info.earliest}, latest ${this.info.latest}`;
  }
}

export class ConfigFolderNode extends ClusterScopedNode {
  readonly kind = 'configs';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly topic: string,
  ) {
    super(cluster);
    this.id = `configs:${cluster.id}:${topic}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Configuration', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('settings-gear');
    item.contextValue = 'configs';
    return item;
  }

  override children(ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return loadOrExplain(ctx, this, `the configuration of ${this.topic}`, async () => {
      const entries = await this.client(ctx).describeTopicConfigs(this.topic);
      // This topic's overrides first: they are what someone changed on purpose for it.
      const ordered = [...entries.filter((e) => e.origin === 'topic'), ...entries.filter((e) => e.origin !== 'topic')];
      return ordered.map((entry) => new ConfigNode(this.cluster, this.topic, entry));
    });
  }
}

const ORIGIN_LABELS: Record<ConfigEntry['origin'], string> = {
  topic: 'topic override',
  'dynamic-broker': 'broker (dynamic)',
  'dynamic-default-broker': 'cluster default (dynamic)',
  'static-broker': 'broker (server.properties)',
  default: 'default',
  unknown: 'unknown source',
};

export class ConfigNode extends ClusterScopedNode {
  readonly kind = 'config';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly topic: string,
    readonly entry: ConfigEntry,
  ) {
    super(cluster);
    this.id = `config:${cluster.id}:${topic}:${entry.name}`;
  }

  toTreeItem(): vscode.TreeItem {
    const { entry } = this;
    const item = new vscode.TreeItem(entry.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const value = entry.sensitive ? '(hidden)' : entry.value === null || entry.value === '' ? '(empty)' : entry.value;
    item.description = entry.isDefault ? `${value} · default` : `${value} · ${ORIGIN_LABELS[entry.origin]}`;
    item.tooltip = `${entry.name} = ${value}\nSource: ${ORIGIN_LABELS[entry.origin]}${entry.readOnly ? '\nRead-only' : ''}`;
    item.iconPath = entry.isDefault
      ? new vscode.ThemeIcon('circle-small', new vscode.ThemeColor('disabledForeground'))
      : new vscode.ThemeIcon('edit', new vscode.ThemeColor('charts.blue'));
    item.contextValue = entry.isDefault ? 'config.default' : 'config.override';
    return item;
  }

  override describe(): unknown {
    return { topic: this.topic, ...this.entry };
  }

  override copyText(): string {
    return `${this.entry.name}=${this.entry.value ?? ''}`;
  }
}
