import * as vscode from 'vscode';
import { CommandIds, registerCommands } from './commands';
import { CommandRegistry, type ReportedError } from './commands/commandRegistry';
import type { CommandContext } from './commands/context';
import { type ClusterEntry, ConnectionService } from './connections/connectionService';
import { AutoRefresh } from './explorer/autoRefresh';
import { ClusterStatusBar } from './explorer/clusterStatusBar';
import { ClusterTreeProvider } from './explorer/clusterTreeProvider';
import { brokerKinds, kafkaLocalRuntime } from './brokers/registry';
import type { Logger } from './core/brokerClient';
import { neverThrowing } from './core/safeLogger';
import { LocalKafkaService } from './local/localKafkaService';
import { LocalTreeProvider } from './local/localTreeProvider';
import type { TailPanelSnapshot } from './webview/tailPanel';
import { TailPanelManager } from './webview/tailPanelManager';
import { ProduceFeature } from './commands/produce/produceFeature';
import type { ProduceHistoryEntry } from './commands/produce/produceHistory';
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
  /** The last produce results, newest first (Show Recent Produce Results). */
  listProduceResults(): ProduceHistoryEntry[];
  /** Running responders (Conversations). */
  listResponders(): ResponderInfo[];
  onDidReportError: vscode.Event<ReportedError>;
}

let connections: ConnectionService | undefined;
let localKafka: LocalKafkaService | undefined;
let conversations: ConversationFeature | undefined;
let tailPanels: TailPanelManager | undefined;
let shutdownLog: Logger | undefined;

/**
 * VS Code gives deactivate about 5 s before the extension host exits; everything that must happen
 * on the broker (tails and responders leaving and deleting their throwaway groups) runs in
 * parallel and is abandoned after this.
 */
const DEACTIVATE_DEADLINE_MS = 4_000;

/** Wiring only: build the services, register the view and commands, push every disposable. */
export function activate(context: vscode.ExtensionContext): MqExplorerApi {
  const log = vscode.window.createOutputChannel('MQ Explorer', { log: true });
  context.subscriptions.push(log);

  const requestTimeoutMs = () =>
    vscode.workspace.getConfiguration('mqExplorer').get<number>('requestTimeoutSeconds', 10) * 1000;
  // Broker clients log while they disconnect during deactivation, after VS Code closed the channel.
  const brokerLog = neverThrowing(log);
  connections = new ConnectionService(context.globalState, context.secrets, brokerLog, brokerKinds, requestTimeoutMs);
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
  tailPanels = tails;
  shutdownLog = brokerLog;
  context.subscriptions.push(tails);

  const registry = new CommandRegistry(log);
  context.subscriptions.push(registry);
  const produce = new ProduceFeature(context.workspaceState, CommandIds.stopProducing);
  context.subscriptions.push(produce);
  const conversationFeature = new ConversationFeature(connections, brokerLog, CommandIds.stopResponder);
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
    listProduceResults: () => produce.history.list(),
    onDidReportError: registry.onDidReport,
  };
}

/**
 * Stops tails and responders (each deletes its throwaway group), the local Java broker, and then
 * every connection, all in parallel and within DEACTIVATE_DEADLINE_MS. VS Code disposes the
 * subscriptions right after calling this without waiting, so their closing must be awaited here.
 */
export async function deactivate(): Promise<void> {
  const started = Date.now();
  const log = shutdownLog;
  const stops = Promise.allSettled([
    tailPanels?.stopAll(),
    // Responders and reply channels delete their consumer groups on stop; that needs the connections.
    conversations?.stopAll(),
    // The Java broker is a child process: it must stop with VS Code, and stopping takes a moment.
    localKafka?.stopJavaBroker(),
  ]).then(() => connections?.closeAll());
  tailPanels = undefined;
  conversations = undefined;
  localKafka = undefined;
  connections = undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), DEACTIVATE_DEADLINE_MS);
  });
  const outcome = await Promise.race([stops.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  log?.info(
    outcome === 'done'
      ? `Stopped tails, responders and connections in ${Date.now() - started} ms`
      : `Gave up waiting for tails, responders and connections to stop after ${DEACTIVATE_DEADLINE_MS} ms`,
  );
}
