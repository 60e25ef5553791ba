import * as vscode from 'vscode';
import { DisposableStore } from '../core/lifecycle';
import type { ConnectionService } from '../connections/connectionService';
import { ActionNode, ClusterNode, type ExplorerNode, MessageNode, TopicNode } from './nodes';

/** Command ids the tree's action nodes call (registered in src/commands). */
export interface ExplorerCommandIds {
  refresh: string;
  startLocalKafka: string;
  showLogs: string;
}

/**
 * Clusters > topics, loaded one level at a time. A failed load becomes an error node with next
 * steps; the tree never raises a notification itself.
 */
export class ClusterTreeProvider extends DisposableStore implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly connections: ConnectionService,
    private readonly commands: ExplorerCommandIds,
  ) {
    super();
    this._register(connections.onDidChangeClusters(() => this.refresh()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('mqExplorer.explorer')) {
          this.refresh();
        }
      }),
    );
  }

  /** Reloads one node's children, or the whole tree. */
  refresh(node?: ExplorerNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      // An empty root shows the view's welcome content (Add Cluster, Start Local Kafka).
      return this.connections.listClusters().map((cluster) => new ClusterNode(cluster));
    }
    switch (node.kind) {
      case 'cluster':
        return this.topicsOf(node);
      case 'message':
        return node.actions;
      case 'topic':
      case 'action':
        return [];
    }
  }

  private async topicsOf(node: ClusterNode): Promise<ExplorerNode[]> {
    const { cluster } = node;
    try {
      const showInternal = vscode.workspace
        .getConfiguration('mqExplorer.explorer')
        .get<boolean>('showInternalTopics', false);
      const topics = (await this.connections.getClient(cluster.id).listTopics()).filter(
        (topic) => showInternal || !topic.internal,
      );
      if (topics.length === 0) {
        return [new MessageNode(`empty:${cluster.id}`, 'No topics yet', 'info')];
      }
      return topics.map((topic) => new TopicNode(cluster, topic));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const prefix = `error:${cluster.id}`;
      return [
        new MessageNode(
          prefix,
          `Failed to connect to ${cluster.name}`,
          'error',
          [
            new ActionNode(`${prefix}:retry`, 'Retry', 'refresh', {
              title: 'Retry',
              command: this.commands.refresh,
              arguments: [node],
            }),
            new ActionNode(`${prefix}:local`, 'Start Local Kafka…', 'play', {
              title: 'Start Local Kafka',
              command: this.commands.startLocalKafka,
            }),
            new ActionNode(`${prefix}:logs`, 'Show Logs', 'output', {
              title: 'Show Logs',
              command: this.commands.showLogs,
            }),
          ],
          message,
        ),
      ];
    }
  }
}
