import * as vscode from 'vscode';
import type { TopicSummary } from '../core/brokerClient';
import type { ClusterEntry } from '../connections/connectionService';

/** Every node the Clusters tree shows; `kind` drives menus through contextValue. */
export type ExplorerNode = ClusterNode | TopicNode | MessageNode | ActionNode;

export class ClusterNode {
  readonly kind = 'cluster';
  constructor(readonly cluster: ClusterEntry) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.cluster.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `cluster:${this.cluster.id}`;
    item.description = this.cluster.bootstrapServers.join(', ');
    item.tooltip = `${this.cluster.name}\n${this.cluster.bootstrapServers.join('\n')}${
      this.cluster.source === 'settings' ? '\n(declared in settings)' : ''
    }`;
    item.iconPath = new vscode.ThemeIcon('server-environment');
    item.contextValue = this.cluster.source === 'settings' ? 'cluster.settings' : 'cluster';
    return item;
  }
}

export class TopicNode {
  readonly kind = 'topic';
  constructor(
    readonly cluster: ClusterEntry,
    readonly topic: TopicSummary,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.topic.name, vscode.TreeItemCollapsibleState.None);
    item.id = `topic:${this.cluster.id}:${this.topic.name}`;
    const count = this.topic.partitionCount;
    item.description = `${count} partition${count === 1 ? '' : 's'}`;
    item.tooltip = `${this.topic.name} (${item.description})${this.topic.internal ? '\nInternal topic' : ''}`;
    item.iconPath = new vscode.ThemeIcon(this.topic.internal ? 'lock' : 'symbol-event');
    item.contextValue = 'topic';
    return item;
  }
}

/** A line of information or failure in place of children: never a popup from the tree. */
export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly id: string,
    readonly label: string,
    readonly severity: 'info' | 'error',
    readonly actions: ActionNode[] = [],
    readonly detail?: string,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const state =
      this.actions.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(this.label, state);
    item.id = this.id;
    item.description = this.detail;
    item.tooltip = this.detail ?? this.label;
    item.iconPath =
      this.severity === 'error'
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
        : new vscode.ThemeIcon('info');
    item.contextValue = this.severity === 'error' ? 'error' : 'info';
    return item;
  }
}

/** A clickable next step under an error ("Retry", "Start Local Kafka…", "Show Logs"). */
export class ActionNode {
  readonly kind = 'action';
  constructor(
    readonly id: string,
    readonly label: string,
    readonly icon: string,
    readonly command: vscode.Command,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.command = this.command;
    item.contextValue = 'action';
    return item;
  }
}
