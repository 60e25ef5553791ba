import * as vscode from 'vscode';
import { ClusterNode, ClusterScopedNode, type ExplorerNode, GroupsFolderNode, TopicsFolderNode } from '../../explorer/nodes';
import type { CommandRegistry } from '../commandRegistry';
import { UserCancelled } from '../commandRegistry';
import type { CommandContext } from '../context';
import { resolveCluster } from '../pickers';
import { DESCRIBE_SCHEME, DescribeDocuments } from './describeDocuments';

export const NodeCommandIds = {
  describeNode: 'mqExplorer.describeNode',
  copyName: 'mqExplorer.copyName',
  copyOffsets: 'mqExplorer.copyOffsets',
  copyBootstrapServers: 'mqExplorer.copyBootstrapServers',
  filterCluster: 'mqExplorer.filterCluster',
} as const;

/** Tree node actions: Describe (read-only JSON), copy, and the per-cluster name filter. */
export function registerNodeCommands(registry: CommandRegistry, ctx: CommandContext): void {
  const documents = new DescribeDocuments();
  registry.track(vscode.workspace.registerTextDocumentContentProvider(DESCRIBE_SCHEME, documents));
  registry.register(NodeCommandIds.describeNode, (node) => describeNode(documents, node));
  registry.register(NodeCommandIds.copyName, (node) => copyFrom(node));
  registry.register(NodeCommandIds.copyOffsets, (node) => copyFrom(node));
  registry.register(NodeCommandIds.copyBootstrapServers, async (node) => {
    const cluster = await resolveCluster(ctx, node);
    const text = cluster.bootstrapServers.join(',');
    await vscode.env.clipboard.writeText(text);
    return text;
  });
  registry.register(NodeCommandIds.filterCluster, (arg) => filterCluster(ctx, arg));
}

async function describeNode(documents: DescribeDocuments, node: unknown): Promise<string> {
  const data = node instanceof ClusterScopedNode ? node.describe() : undefined;
  if (!(node instanceof ClusterScopedNode) || data === undefined) {
    throw new Error('Select a cluster, broker, topic, partition, configuration entry or group in the Clusters view to describe it.');
  }
  const label = node.toTreeItem().label;
  const title = `${node.cluster.name} ${node.kind} ${typeof label === 'string' ? label : (label?.label ?? '')}`.trim();
  const editor = await documents.open(title, data);
  return editor.document.getText();
}

async function copyFrom(node: unknown): Promise<string> {
  const text = node instanceof ClusterScopedNode ? (node as ExplorerNode).copyText() : undefined;
  if (!text) {
    throw new Error('Run this from a node of the Clusters view.');
  }
  await vscode.env.clipboard.writeText(text);
  return text;
}

/**
 * Filter: asks for a name filter (substring, or a glob with * and ?) for one cluster's topics
 * and groups; empty clears it. `{ clusterId, filter }` sets it without asking.
 */
async function filterCluster(ctx: CommandContext, arg: unknown): Promise<string> {
  const node = arg instanceof ClusterNode || arg instanceof TopicsFolderNode || arg instanceof GroupsFolderNode ? arg : undefined;
  const cluster = await resolveCluster(ctx, node ?? arg);
  const given = (arg as { filter?: unknown } | undefined)?.filter;
  const filter =
    typeof given === 'string'
      ? given
      : await vscode.window.showInputBox({
          title: `Filter topics and consumer groups of ${cluster.name}`,
          prompt: 'Part of a name, or a pattern with * and ?. Leave empty to show everything.',
          value: ctx.tree.filterOf(cluster.id),
          ignoreFocusOut: true,
        });
  if (filter === undefined) {
    throw new UserCancelled();
  }
  ctx.tree.setFilter(cluster.id, filter);
  return filter.trim().toLowerCase();
}
