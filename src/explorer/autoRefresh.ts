import * as vscode from 'vscode';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterTreeProvider } from './clusterTreeProvider';
import type { ExplorerNode } from './nodes';

/**
 * Refreshes the tree every `mqExplorer.explorer.autoRefreshSeconds` (0 = off, the default), and
 * only while the view is visible: a hidden view costs the cluster nothing.
 */
export class AutoRefresh extends DisposableStore {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tree: ClusterTreeProvider,
    private readonly view: vscode.TreeView<ExplorerNode>,
  ) {
    super();
    this._register(view.onDidChangeVisibility(() => this.reschedule()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mqExplorer.explorer.autoRefreshSeconds') && this.reschedule()),
    );
    this._register({ dispose: () => clearInterval(this.timer) });
    this.reschedule();
  }

  private reschedule(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    const seconds = vscode.workspace.getConfiguration('mqExplorer.explorer').get<number>('autoRefreshSeconds', 0);
    if (seconds > 0 && this.view.visible) {
      this.timer = setInterval(() => this.tree.refresh(), Math.max(5, seconds) * 1000);
    }
  }
}
