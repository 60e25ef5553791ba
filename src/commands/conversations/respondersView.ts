import * as vscode from 'vscode';
import { DisposableStore } from '../../core/lifecycle';
import type { ConversationFeature, ResponderInfo } from './conversationFeature';

/** A running responder in the Responders view; its context menu stops it. */
export class ResponderItem extends vscode.TreeItem {
  constructor(readonly responder: ResponderInfo) {
    super(responder.requestTopic, vscode.TreeItemCollapsibleState.None);
    const { stats } = responder;
    this.id = responder.id;
    this.contextValue = 'responder';
    const failed = responder.state === 'failed';
    this.iconPath = failed ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('radio-tower');
    // The state and the last error are in the label's line, not only in the tooltip: a failed
    // responder must be visible at a glance.
    const problem = failed ? `failed: ${stats.lastError ?? 'its consumer stopped'}` : stats.lastError ? `${stats.errors} error${stats.errors === 1 ? '' : 's'}, last: ${stats.lastError}` : undefined;
    this.description = [responder.clusterName, failed ? undefined : responder.state, `${stats.replied} replied`, problem].filter(Boolean).join(' · ');
    this.tooltip = [
      `${failed ? 'FAILED: answers no more requests. Stop it and start it again.\n' : ''}Answers requests on "${responder.requestTopic}" (${responder.clusterName})`,
      `State: ${responder.state}`,
      `Group: ${responder.groupId ?? '—'} (deleted on stop)`,
      `Received ${stats.received}, replied ${stats.replied}, dropped on purpose ${stats.dropped}, skipped ${stats.skipped}, errors ${stats.errors}`,
      ...(stats.lastError ? [`Last error: ${stats.lastError}`] : []),
    ].join('\n');
  }
}

/** The Responders view: one item per running responder (the welcome content offers to start one). */
export class RespondersTreeProvider extends DisposableStore implements vscode.TreeDataProvider<ResponderItem> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly feature: ConversationFeature) {
    super();
    this._register(feature.onDidChange(() => this.changed.fire()));
  }

  getTreeItem(element: ResponderItem): vscode.TreeItem {
    return element;
  }

  getChildren(element?: ResponderItem): ResponderItem[] {
    return element ? [] : this.feature.list().map((r) => new ResponderItem(r));
  }
}
