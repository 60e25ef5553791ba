import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TailOptions } from '../core/brokerClient';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterEntry, ConnectionService } from '../connections/connectionService';
import { TailPanel, type TailPanelSnapshot } from './tailPanel';

export const TAIL_VIEW_TYPE = 'mqExplorer.tail';

/** Opens, finds and closes tail panels; every panel is closed with the window. */
export class TailPanelManager extends DisposableStore {
  private readonly panels = new Map<string, TailPanel>();

  constructor(
    private readonly connections: ConnectionService,
    private readonly log: vscode.LogOutputChannel,
    private readonly extensionUri: vscode.Uri,
  ) {
    super();
  }

  /** Reveals the panel already tailing the same thing, or opens a new one and starts its consumer. */
  async open(cluster: ClusterEntry, options: TailOptions): Promise<TailPanel> {
    const existing = [...this.panels.values()].find(
      (p) =>
        p.cluster.id === cluster.id &&
        p.options.fromBeginning === options.fromBeginning &&
        p.options.topics.join('\n') === options.topics.join('\n'),
    );
    if (existing) {
      existing.reveal();
      return existing;
    }
    const maxMessages = vscode.workspace.getConfiguration('mqExplorer.tail').get<number>('maxMessages', 10_000);
    const title = `Tail: ${options.topics.join(', ')}`;
    const webviewPanel = vscode.window.createWebviewPanel(TAIL_VIEW_TYPE, title, vscode.ViewColumn.Active);
    const panel = new TailPanel(randomUUID(), webviewPanel, cluster, options, maxMessages, this.log, this.extensionUri);
    this.panels.set(panel.id, panel);
    panel.onDidClose(() => this.panels.delete(panel.id));
    this.log.info(`Tailing ${options.topics.join(', ')} on ${cluster.name} (from ${options.fromBeginning ? 'beginning' : 'end'})`);
    await panel.start(this.connections.getClient(cluster.id));
    return panel;
  }

  /** Closes the panels of a cluster that is being removed. */
  closeForCluster(clusterId: string): void {
    for (const panel of [...this.panels.values()]) {
      if (panel.cluster.id === clusterId) {
        panel.dispose();
      }
    }
  }

  list(): TailPanelSnapshot[] {
    return [...this.panels.values()].map((panel) => panel.snapshot());
  }

  override dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
    this.panels.clear();
    super.dispose();
  }
}
