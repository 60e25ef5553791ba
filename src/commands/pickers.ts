import * as vscode from 'vscode';
import type { ClusterEntry } from '../connections/connectionService';
import { ClusterScopedNode, TopicNode } from '../explorer/nodes';
import { type CommandContext, objectArg, stringField } from './context';
import { UserCancelled } from './commandRegistry';

/**
 * The cluster a command acts on: from the tree node it was invoked on, a `{ clusterId }` argument,
 * the only cluster there is, or a quick pick.
 */
export async function resolveCluster(ctx: CommandContext, arg: unknown): Promise<ClusterEntry> {
  if (arg instanceof ClusterScopedNode) {
    return arg.cluster;
  }
  const clusterId = stringField(objectArg(arg), 'clusterId');
  if (clusterId) {
    const cluster = ctx.connections.getCluster(clusterId);
    if (!cluster) {
      throw new Error('That cluster no longer exists. Refresh the Clusters view and try again.');
    }
    return cluster;
  }
  const clusters = ctx.connections.listClusters();
  if (clusters.length === 0) {
    throw new Error('No cluster is configured yet. Run "MQ Explorer: Add Cluster" first.');
  }
  if (clusters.length === 1) {
    return clusters[0];
  }
  const picked = await vscode.window.showQuickPick(
    clusters.map((cluster) => ({ label: cluster.name, description: cluster.bootstrapServers.join(', '), cluster })),
    { placeHolder: 'Choose a cluster', ignoreFocusOut: true },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  return picked.cluster;
}

/** The topic a command acts on: from a topic node, a `{ topic }` argument, or a quick pick of the cluster's topics. */
export async function resolveTopic(
  ctx: CommandContext,
  cluster: ClusterEntry,
  arg: unknown,
  placeHolder: string,
): Promise<string> {
  if (arg instanceof TopicNode) {
    return arg.topic.name;
  }
  const named = stringField(objectArg(arg), 'topic');
  if (named) {
    return named;
  }
  const topics = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Listing topics of ${cluster.name}` },
    () => ctx.connections.getClient(cluster.id).listTopics(),
  );
  const visible = topics.filter((topic) => !topic.internal);
  if (visible.length === 0) {
    throw new Error(`${cluster.name} has no topics yet. Run "MQ Explorer: Create Topic" first.`);
  }
  const picked = await vscode.window.showQuickPick(
    visible.map((topic) => ({
      label: topic.name,
      description: `${topic.partitionCount} partition${topic.partitionCount === 1 ? '' : 's'}`,
    })),
    { placeHolder, ignoreFocusOut: true, matchOnDescription: false },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  return picked.label;
}
