import * as vscode from 'vscode';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterEntry, ConnectionService } from '../connections/connectionService';
import {
  type ClusterConnectionState,
  ClusterNode,
  ClusterScopedNode,
  type ExplorerCommandIds,
  type ExplorerContext,
  type ExplorerNode,
} from './nodes';

export type { ExplorerCommandIds };

/**
 * The Clusters tree: cluster > Brokers | Topics (> configuration, partitions) | Consumer Groups
 * (> members, offsets and lag), each level loaded when expanded. Failures become error nodes
 * with next steps; the tree never raises a notification itself.
 */
export class ClusterTreeProvider extends DisposableStore implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stateChanged = this._register(new vscode.EventEmitter<ClusterEntry>());
  /** Fires when a cluster's last load succeeded or failed (for the status bar). */
  readonly onDidChangeClusterState = this.stateChanged.event;
  private readonly filters = new Map<string, string>();
  /** The node instances last handed to VS Code, by id: refreshing a node needs the same object. */
  private readonly shown = new Map<string, ExplorerNode>();
  private readonly states = new Map<string, ClusterConnectionState>();
  private readonly context: ExplorerContext;

  constructor(
    private readonly connections: ConnectionService,
    commands: ExplorerCommandIds,
  ) {
    super();
    this.context = {
      connections,
      commands,
      filterOf: (clusterId) => this.filters.get(clusterId) ?? '',
      showInternalTopics: () =>
        vscode.workspace.getConfiguration('mqExplorer.explorer').get<boolean>('showInternalTopics', false),
      reportState: (cluster, state) => {
        this.states.set(cluster.id, state);
        this.stateChanged.fire(cluster);
      },
      redraw: (node) => this.changed.fire(node),
    };
    this._register(connections.onDidChangeClusters(() => this.refresh()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('mqExplorer.explorer.showInternalTopics')) {
          this.refresh();
        }
      }),
    );
  }

  /** Reloads one node's children, or the whole tree. */
  refresh(node?: ExplorerNode): void {
    this.changed.fire(node);
  }

  /**
   * Reloads only the node with this id (e.g. `topics:<clusterId>`, `configs:<clusterId>:<topic>`)
   * as last shown; the whole tree when it is not shown.
   */
  refreshById(id: string): void {
    this.changed.fire(this.shown.get(id));
  }

  /** The last known connection state of a cluster, if it was loaded. */
  stateOf(clusterId: string): ClusterConnectionState | undefined {
    return this.states.get(clusterId);
  }

  filterOf(clusterId: string): string {
    return this.filters.get(clusterId) ?? '';
  }

  /** Filters a cluster's topics and groups by name (substring, or glob with * and ?); '' clears. */
  setFilter(clusterId: string, filter: string): void {
    const normalized = filter.trim().toLowerCase();
    if (normalized) {
      this.filters.set(clusterId, normalized);
    } else {
      this.filters.delete(clusterId);
    }
    this.refresh();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = node.toTreeItem();
    // Menus offer write actions only where contextValue has no '.ro' suffix.
    if (node instanceof ClusterScopedNode && node.cluster.readOnly && item.contextValue) {
      item.contextValue = `${item.contextValue}.ro`;
    }
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const children = node
      ? await node.children(this.context)
      : // An empty root shows the view's welcome content (Add Cluster, Start Local Kafka).
        this.connections.listClusters().map((cluster) => new ClusterNode(cluster));
    if (!node) {
      this.shown.clear();
    }
    for (const child of children) {
      this.shown.set(child.id, child);
    }
    return children;
  }
}
