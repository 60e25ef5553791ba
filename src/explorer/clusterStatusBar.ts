import * as vscode from 'vscode';
import { DisposableStore } from '../core/lifecycle';
import type { ConnectionService } from '../connections/connectionService';
import type { ClusterTreeProvider } from './clusterTreeProvider';
import { ClusterScopedNode, type ExplorerNode } from './nodes';

/**
 * The status bar item of the selected cluster (the one the tree selection belongs to): its name
 * and whether its last load worked. Clicking it reveals the Clusters view.
 */
export class ClusterStatusBar extends DisposableStore {
  private readonly item = this._register(vscode.window.createStatusBarItem('mqExplorer.cluster', vscode.StatusBarAlignment.Left, 50));
  private selectedId: string | undefined;

  constructor(
    private readonly connections: ConnectionService,
    private readonly tree: ClusterTreeProvider,
    view: vscode.TreeView<ExplorerNode>,
  ) {
    super();
    this.item.name = 'MQ Explorer: selected cluster';
    this.item.command = 'mqExplorer.clusters.focus';
    this._register(
      view.onDidChangeSelection((event) => {
        const node = event.selection[0];
        if (node instanceof ClusterScopedNode) {
          this.selectedId = node.cluster.id;
          this.render();
        }
      }),
    );
    this._register(tree.onDidChangeClusterState((cluster) => cluster.id === this.selectedId && this.render()));
    this._register(connections.onDidChangeClusters(() => this.render()));
  }

  /** The cluster the status bar shows, if any. */
  get selectedClusterId(): string | undefined {
    return this.selectedId;
  }

  private render(): void {
    const cluster = this.selectedId ? this.connections.getCluster(this.selectedId) : undefined;
    if (!cluster) {
      this.selectedId = undefined;
      this.item.hide();
      return;
    }
    const state = this.tree.stateOf(cluster.id);
    if (state?.kind === 'failed') {
      this.item.text = `$(error) ${cluster.name}`;
      this.item.tooltip = `${cluster.name}: ${state.message}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = `$(server-environment) ${cluster.name}`;
      this.item.tooltip = state
        ? `${cluster.name}: connected, ${state.brokers} broker${state.brokers === 1 ? '' : 's'} (${cluster.bootstrapServers.join(', ')})`
        : `${cluster.name} (${cluster.bootstrapServers.join(', ')})`;
      this.item.backgroundColor = undefined;
    }
    this.item.show();
  }
}
