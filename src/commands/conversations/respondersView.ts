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
    this.iconPath = new vscode.ThemeIcon(responder.state === 'failed' ? 'error' : 'radio-tower');
    this.description = `${responder.clusterName} · ${responder.state} · ${stats.replied} replied`;
    this.tooltip = [
      `Answers requests on "${responder.requestTopic}" (${responder.clusterName})`,
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
