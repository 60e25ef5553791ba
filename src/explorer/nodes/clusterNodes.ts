import * as vscode from 'vscode';
import { describeSasl } from '../../core/brokerClient';
import type { BrokerInfo, ClusterDescription } from '../../core/clusterModel';
import type { ClusterEntry } from '../../connections/connectionService';
import { ClusterScopedNode, type ExplorerContext, type ExplorerNode, loadOrExplain } from './base';
import { GroupsFolderNode } from './groupNodes';
import { TopicsFolderNode } from './topicNodes';

export class ClusterNode extends ClusterScopedNode {
  readonly kind = 'cluster';
  readonly id: string;

  constructor(cluster: ClusterEntry) {
    super(cluster);
    this.id = `cluster:${cluster.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const { cluster } = this;
    const item = new vscode.TreeItem(cluster.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${cluster.bootstrapServers.join(', ')}${cluster.readOnly ? ' · read-only' : ''}`;
    const security = [cluster.sasl ? describeSasl(cluster.sasl) : '', cluster.tls ? 'TLS' : '']
      .filter(Boolean)
      .join(', ');
    item.tooltip = [cluster.name, ...cluster.bootstrapServers, security, cluster.source === 'settings' ? '(declared in settings)' : '']
      .filter(Boolean)
      .join('\n');
    item.iconPath = new vscode.ThemeIcon(cluster.readOnly ? 'lock' : 'server-environment');
    item.contextValue = cluster.source === 'settings' ? 'cluster.settings' : 'cluster';
    return item;
  }

  /** One metadata round trip decides whether the cluster answers; topics are listed alongside. */
  override children(ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return loadOrExplain(ctx, this, `${this.cluster.name}`, async () => {
      const client = this.client(ctx);
      const [description, topics] = await Promise.all([client.describeCluster(), client.listTopics()]);
      ctx.reportState(this.cluster, { kind: 'connected', brokers: description.brokers.length });
      return [
        new BrokersFolderNode(this.cluster, description),
        new TopicsFolderNode(this.cluster, topics),
        new GroupsFolderNode(this.cluster),
      ];
    });
  }

  override describe(): unknown {
    const { id, name, kind, bootstrapServers, clientId, sasl, tls, source } = this.cluster;
    return { id, name, kind, bootstrapServers, clientId, sasl: sasl && { ...sasl }, tls, source };
  }

  override copyText(): string {
    return this.cluster.name;
  }
}

export class BrokersFolderNode extends ClusterScopedNode {
  readonly kind = 'brokers';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly description: ClusterDescription,
  ) {
    super(cluster);
    this.id = `brokers:${cluster.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Brokers', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = String(this.description.brokers.length);
    // Tooltips start with the label: VS Code reads them as the item's accessible name.
    item.tooltip = `Brokers of cluster ${this.description.clusterId}`;
    item.iconPath = new vscode.ThemeIcon('server');
    item.contextValue = 'brokers';
    return item;
  }

  override children(): Promise<ExplorerNode[]> {
    return Promise.resolve(this.description.brokers.map((b) => new BrokerNode(this.cluster, b)));
  }

  override describe(): unknown {
    return this.description;
  }
}

export class BrokerNode extends ClusterScopedNode {
  readonly kind = 'broker';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly broker: BrokerInfo,
  ) {
    super(cluster);
    this.id = `broker:${cluster.id}:${broker.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const { broker } = this;
    const item = new vscode.TreeItem(`broker ${broker.id}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = [`${broker.host}:${broker.port}`, broker.rack ? `rack ${broker.rack}` : '', broker.isController ? 'controller' : '']
      .filter(Boolean)
      .join(' · ');
    item.tooltip = `Broker ${broker.id} at ${broker.host}:${broker.port}${broker.rack ? `, rack ${broker.rack}` : ''}${
      broker.isController ? '\nReported as the controller' : ''
    }`;
    item.iconPath = new vscode.ThemeIcon(broker.isController ? 'star-full' : 'server');
    item.contextValue = 'broker';
    return item;
  }

  override describe(): unknown {
    return this.broker;
  }

  override copyText(): string {
    return `${this.broker.host}:${this.broker.port}`;
  }
}
