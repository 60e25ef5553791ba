import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TailOptions } from '../core/brokerClient';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterEntry, ConnectionService } from '../connections/connectionService';
import { describeTailStart } from '../tail/tailStart';
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
      (p) => p.cluster.id === cluster.id && JSON.stringify(p.options) === JSON.stringify(options),
    );
    if (existing) {
      existing.reveal();
      return existing;
    }
    const config = vscode.workspace.getConfiguration('mqExplorer.tail');
    const settings = {
      maxMessages: config.get<number>('maxMessages', 10_000),
      pullEverySeconds: config.get<number>('pullEverySeconds', 0),
      pullCount: config.get<number>('pullCount', 100),
    };
    const names = [...options.topics, ...(options.topicPattern ? [`/${options.topicPattern}/`] : [])];
    const title = `Tail: ${names.join(', ')}`;
    const webviewPanel = vscode.window.createWebviewPanel(TAIL_VIEW_TYPE, title, vscode.ViewColumn.Active);
    const panel = new TailPanel(randomUUID(), webviewPanel, cluster, options, settings, this.log, this.extensionUri);
    this.panels.set(panel.id, panel);
    panel.onDidClose(() => this.panels.delete(panel.id));
    this.log.info(`Tailing ${names.join(', ')} on ${cluster.name} (start ${describeTailStart(options)}, ${options.mode ?? 'push'}, ${options.group ? `shared group ${options.group}` : 'broadcast'})`);
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

  /** A panel by id (tests and commands that act on one panel). */
  get(id: string): TailPanel | undefined {
    return this.panels.get(id);
  }

  list(): TailPanelSnapshot[] {
    return [...this.panels.values()].map((panel) => panel.snapshot());
  }

  /** Closes every panel and resolves once their consumers stopped (deactivation waits for this). */
  async stopAll(): Promise<void> {
    const panels = [...this.panels.values()];
    this.panels.clear();
    await Promise.allSettled(panels.map((panel) => panel.close()));
  }

  override dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
    this.panels.clear();
    super.dispose();
  }
}
