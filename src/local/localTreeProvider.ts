import * as vscode from 'vscode';
import { DisposableStore } from '../core/lifecycle';
import { LOCAL_BACKENDS, type LocalBackend, type LocalKafkaService, type LocalStatusReport } from './localKafkaService';

/** A backend row in the "Local Kafka" view; commands receive it as their argument. */
export class LocalBackendNode extends vscode.TreeItem {
  constructor(
    readonly backend: LocalBackend,
    report: LocalStatusReport,
  ) {
    const label = backend === 'docker' ? 'Docker' : 'Without Docker (Java)';
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `local:${backend}`;
    // e.g. "localBackend.java.running": menus show start when stopped, stop/restart when running.
    this.contextValue = `localBackend.${backend}.${report.status}`;
    this.description = describe(report);
    this.tooltip = new vscode.MarkdownString().appendText(
      `${label}: ${report.status}${report.detail ? `\n${report.detail}` : ''}`,
    );
    this.iconPath = new vscode.ThemeIcon(ICONS[report.status] ?? 'circle-outline');
  }
}

const ICONS: Record<string, string> = {
  running: 'pass-filled',
  starting: 'loading~spin',
  stopping: 'loading~spin',
  unhealthy: 'warning',
  stopped: 'circle-outline',
  unavailable: 'circle-slash',
};

function describe(report: LocalStatusReport): string {
  switch (report.status) {
    case 'running':
      return `running on ${report.detail ?? ''}`;
    case 'unavailable':
      return 'not available';
    default:
      return report.status;
  }
}

/**
 * The "Local Kafka" view: one node per backend with its state. Never shows popups: a backend that
 * cannot run (no Docker) says so in its description and tooltip.
 */
export class LocalTreeProvider extends DisposableStore implements vscode.TreeDataProvider<LocalBackendNode> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly local: LocalKafkaService) {
    super();
    this._register(local.onDidChange(() => this.changed.fire()));
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(node: LocalBackendNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: LocalBackendNode): Promise<LocalBackendNode[]> {
    if (node) {
      return [];
    }
    const reports = await Promise.all(LOCAL_BACKENDS.map((backend) => this.local.status(backend)));
    return reports.map((report) => new LocalBackendNode(report.backend, report));
  }
}
