import * as vscode from 'vscode';
import { CommandIds, registerCommands } from './commands';
import { CommandRegistry, type ReportedError } from './commands/commandRegistry';
import type { CommandContext } from './commands/context';
import { type ClusterEntry, ConnectionService } from './connections/connectionService';
import { AutoRefresh } from './explorer/autoRefresh';
import { ClusterStatusBar } from './explorer/clusterStatusBar';
import { ClusterTreeProvider } from './explorer/clusterTreeProvider';
import { brokerKinds, kafkaLocalRuntime } from './brokers/registry';
import { LocalKafkaService } from './local/localKafkaService';
import { LocalTreeProvider } from './local/localTreeProvider';
import type { TailPanelSnapshot } from './webview/tailPanel';
import { TailPanelManager } from './webview/tailPanelManager';
import { ProduceFeature } from './commands/produce/produceFeature';
import { registerProduceCodeLens } from './commands/produce/registerProduceCommands';
import { ConversationFeature, type ResponderInfo } from './commands/conversations/conversationFeature';
import { RespondersTreeProvider } from './commands/conversations/respondersView';

/** What activate() returns: a small surface for tests and for other extensions. */
export interface MqExplorerApi {
  listClusters(): ClusterEntry[];
  listTailPanels(): TailPanelSnapshot[];
  /** The Clusters tree's data provider (tests walk it as the view does). */
  clustersTree: ClusterTreeProvider;
  /** Everything the extension keeps in globalState (tests check that no secret is there). */
  globalStateSnapshot(): Record<string, unknown>;
  /** Folder of the extension's log files (tests check that no secret is logged). */
  logFolder: vscode.Uri;
  /** Running "Produce every T seconds" repeats. */
  listProduceRepeats(): { id: string; label: string; sent: number }[];
  /** Running responders (Conversations). */
  listResponders(): ResponderInfo[];
  onDidReportError: vscode.Event<ReportedError>;
}

let connections: ConnectionService | undefined;
let localKafka: LocalKafkaService | undefined;
let conversations: ConversationFeature | undefined;

/** Wiring only: build the services, register the view and commands, push every disposable. */
export function activate(context: vscode.ExtensionContext): MqExplorerApi {
  const log = vscode.window.createOutputChannel('MQ Explorer', { log: true });
  context.subscriptions.push(log);

  const requestTimeoutMs = () =>
    vscode.workspace.getConfiguration('mqExplorer').get<number>('requestTimeoutSeconds', 10) * 1000;
  connections = new ConnectionService(context.globalState, context.secrets, log, brokerKinds, requestTimeoutMs);
  context.subscriptions.push(connections);

  const tree = new ClusterTreeProvider(connections, {
    refresh: CommandIds.refresh,
    editCluster: CommandIds.editCluster,
    startLocalKafka: CommandIds.startLocalKafka,
    showLogs: CommandIds.showLogs,
  });
  const treeView = vscode.window.createTreeView('mqExplorer.clusters', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(tree, treeView);
  context.subscriptions.push(new ClusterStatusBar(connections, tree, treeView), new AutoRefresh(tree, treeView));

  const local = new LocalKafkaService(connections, log, context.extensionUri, context.globalStorageUri, kafkaLocalRuntime);
  localKafka = local;
  context.subscriptions.push(local);
  const localTree = new LocalTreeProvider(local);
  context.subscriptions.push(localTree, vscode.window.createTreeView('mqExplorer.local', { treeDataProvider: localTree }));

  const tails = new TailPanelManager(connections, log, context.extensionUri);
  context.subscriptions.push(tails);

  const registry = new CommandRegistry(log);
  context.subscriptions.push(registry);
  const produce = new ProduceFeature(context.workspaceState, CommandIds.stopProducing);
  context.subscriptions.push(produce);
  const conversationFeature = new ConversationFeature(connections, log, CommandIds.stopResponder);
  conversations = conversationFeature;
  const respondersTree = new RespondersTreeProvider(conversationFeature);
  context.subscriptions.push(conversationFeature, respondersTree, vscode.window.createTreeView('mqExplorer.responders', { treeDataProvider: respondersTree }));
  const ctx: CommandContext = { connections, tree, tails, log, extensionUri: context.extensionUri, produce, local, conversations: conversationFeature };
  registerCommands(registry, ctx);
  context.subscriptions.push(registerProduceCodeLens(produce));

  const { version } = context.extension.packageJSON as { version: string };
  log.info(`MQ Explorer ${version} activated`);
  return {
    listClusters: () => ctx.connections.listClusters(),
    listTailPanels: () => tails.list(),
    clustersTree: tree,
    globalStateSnapshot: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
    logFolder: context.logUri,
    listProduceRepeats: () => produce.listRepeats(),
    listResponders: () => conversationFeature.list(),
    onDidReportError: registry.onDidReport,
  };
}

/** Closes every broker connection before the host goes away (disposables alone would not be awaited). */
export async function deactivate(): Promise<void> {
  // Responders and reply channels delete their consumer groups on stop; that needs the connections.
  await conversations?.stopAll();
  conversations = undefined;
  // The Java broker is a child process: it must stop with VS Code, and stopping takes a moment.
  await localKafka?.stopJavaBroker();
  localKafka = undefined;
  await connections?.closeAll();
  connections = undefined;
}
