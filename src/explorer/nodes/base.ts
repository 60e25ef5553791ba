import * as vscode from 'vscode';
import type { BrokerClient } from '../../core/brokerClient';
import type { ClusterEntry, ConnectionService } from '../../connections/connectionService';

/** What nodes need to load their children; one per tree provider. */
export interface ExplorerContext {
  connections: ConnectionService;
  commands: ExplorerCommandIds;
  /** Current name filter of a cluster (topics and groups), lower-cased; '' for none. */
  filterOf(clusterId: string): string;
  showInternalTopics(): boolean;
  /** Records whether the last load of a cluster worked (status bar, error nodes). */
  reportState(cluster: ClusterEntry, state: ClusterConnectionState): void;
  /** Draws a node again (its label, description, and children when expanded). */
  redraw(node: ExplorerNode): void;
}

export type ClusterConnectionState = { kind: 'connected'; brokers: number } | { kind: 'failed'; message: string };

/** Command ids the tree's action nodes call (registered in src/commands). */
export interface ExplorerCommandIds {
  refresh: string;
  editCluster: string;
  startLocalKafka: string;
  showLogs: string;
}

/**
 * A node of the Clusters tree: how it looks, how it loads its children, and the plain data
 * "Describe" shows and "Copy" uses.
 */
export abstract class ExplorerNode {
  abstract readonly kind: string;
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  abstract readonly id: string;
  abstract toTreeItem(): vscode.TreeItem;
  children(_ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
  /** The record "Describe" opens as JSON; undefined when there is nothing to describe. */
  describe(): unknown {
    return undefined;
  }
  /** What "Copy Name" copies. */
  copyText(): string | undefined {
    return undefined;
  }
}

/** Base of nodes that belong to a cluster: they reach the broker through its shared client. */
export abstract class ClusterScopedNode extends ExplorerNode {
  constructor(readonly cluster: ClusterEntry) {
    super();
  }
  protected client(ctx: ExplorerContext): BrokerClient {
    return ctx.connections.getClient(this.cluster.id);
  }
}

/** A line of information or failure in place of children: never a popup from the tree. */
export class MessageNode extends ExplorerNode {
  readonly kind = 'message';
  constructor(
    readonly id: string,
    readonly label: string,
    readonly severity: 'info' | 'error',
    readonly actions: ActionNode[] = [],
    readonly detail?: string,
  ) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const state =
      this.actions.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(this.label, state);
    item.id = this.id;
    item.description = this.detail;
    item.tooltip = this.detail ? `${this.label}: ${this.detail}` : this.label;
    item.iconPath =
      this.severity === 'error'
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
        : new vscode.ThemeIcon('info');
    item.contextValue = this.severity === 'error' ? 'error' : 'info';
    return item;
  }

  override children(): Promise<ExplorerNode[]> {
    return Promise.resolve(this.actions);
  }
}

/** A clickable next step under an error ("Retry", "Edit Connection…", "Show Logs"). */
export class ActionNode extends ExplorerNode {
  readonly kind = 'action';
  constructor(
    readonly id: string,
    readonly label: string,
    readonly icon: string,
    readonly command: vscode.Command,
  ) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.command = this.command;
    item.contextValue = 'action';
    return item;
  }
}

/** Loads children, turning a failure into an error node with next steps for its cluster. */
export async function loadOrExplain(
  ctx: ExplorerContext,
  owner: ClusterScopedNode,
  what: string,
  load: () => Promise<ExplorerNode[]>,
): Promise<ExplorerNode[]> {
  try {
    return await load();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.reportState(owner.cluster, { kind: 'failed', message });
    return [errorNode(ctx, owner, `Failed to load ${what}`, message)];
  }
}

export function errorNode(ctx: ExplorerContext, owner: ClusterScopedNode, label: string, message: string): MessageNode {
  const prefix = `error:${owner.id}`;
  return new MessageNode(
    prefix,
    label,
    'error',
    [
      new ActionNode(`${prefix}:retry`, 'Retry', 'refresh', { title: 'Retry', command: ctx.commands.refresh, arguments: [owner] }),
      new ActionNode(`${prefix}:edit`, 'Edit Connection…', 'edit', {
        title: 'Edit Connection',
        command: ctx.commands.editCluster,
        arguments: [{ clusterId: owner.cluster.id }],
      }),
      new ActionNode(`${prefix}:local`, 'Start Local Kafka…', 'play', {
        title: 'Start Local Kafka',
        command: ctx.commands.startLocalKafka,
      }),
      new ActionNode(`${prefix}:logs`, 'Show Logs', 'output', { title: 'Show Logs', command: ctx.commands.showLogs }),
    ],
    message,
  );
}

/** Matches a name against a cluster's filter: substring, or a glob when it has `*` or `?`. */
export function matchesFilter(name: string, filter: string): boolean {
  if (!filter) {
    return true;
  }
  const lower = name.toLowerCase();
  if (!/[*?]/.test(filter)) {
    return lower.includes(filter);
  }
  const pattern = filter.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(lower);
}

export function plural(count: number | string, word: string): string {
  return `${count} ${word}${String(count) === '1' ? '' : 's'}`;
}
