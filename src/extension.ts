import * as vscode from 'vscode';
import { CommandIds, registerCommands } from './commands';
import { CommandRegistry, type ReportedError } from './commands/commandRegistry';
import type { CommandContext } from './commands/context';
import { type ClusterEntry, ConnectionService } from './connections/connectionService';
import { ClusterTreeProvider } from './explorer/clusterTreeProvider';
import { KafkaClusterClient } from './kafka/kafkaClient';
import type { TailPanelSnapshot } from './webview/tailPanel';
import { TailPanelManager } from './webview/tailPanelManager';

/** What activate() returns: a small surface for tests and for other extensions. */
export interface MqExplorerApi {
  listClusters(): ClusterEntry[];
  listTailPanels(): TailPanelSnapshot[];
  onDidReportError: vscode.Event<ReportedError>;
}

let connections: ConnectionService | undefined;

/** Wiring only: build the services, register the view and commands, push every disposable. */
export function activate(context: vscode.ExtensionContext): MqExplorerApi {
  const log = vscode.window.createOutputChannel('MQ Explorer', { log: true });
  context.subscriptions.push(log);

  const requestTimeoutMs = () =>
    vscode.workspace.getConfiguration('mqExplorer').get<number>('requestTimeoutSeconds', 10) * 1000;
  connections = new ConnectionService(
    context.globalState,
    log,
    (definition, logger) => new KafkaClusterClient(definition, { logger, requestTimeoutMs: requestTimeoutMs() }),
  );
  context.subscriptions.push(connections);

  const tree = new ClusterTreeProvider(connections, {
    refresh: CommandIds.refresh,
    startLocalKafka: CommandIds.startLocalKafka,
    showLogs: CommandIds.showLogs,
  });
  context.subscriptions.push(tree);
  context.subscriptions.push(
    vscode.window.createTreeView('mqExplorer.clusters', { treeDataProvider: tree, showCollapseAll: true }),
  );

  const tails = new TailPanelManager(connections, log, context.extensionUri);
  context.subscriptions.push(tails);

  const registry = new CommandRegistry(log);
  context.subscriptions.push(registry);
  const ctx: CommandContext = { connections, tree, tails, log, extensionUri: context.extensionUri };
  registerCommands(registry, ctx);

  const { version } = context.extension.packageJSON as { version: string };
  log.info(`MQ Explorer ${version} activated`);
  return {
    listClusters: () => ctx.connections.listClusters(),
    listTailPanels: () => tails.list(),
    onDidReportError: registry.onDidReport,
  };
}

/** Closes every broker connection before the host goes away (disposables alone would not be awaited). */
export async function deactivate(): Promise<void> {
  await connections?.closeAll();
  connections = undefined;
}
