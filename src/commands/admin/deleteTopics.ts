import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import { TopicNode } from '../../explorer/nodes';
import { type CommandContext, objectArg } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';
import { typedConfirmation } from './confirm';

/**
 * Delete Topic(s): the topic node, every selected topic node of the same cluster, or
 * `{ clusterId, topics }`. The user types the topic name (one) or the count (several).
 */
export async function deleteTopics(ctx: CommandContext, arg?: unknown, selection?: unknown): Promise<string[]> {
  const cluster = await resolveCluster(ctx, arg);
  const admin = ctx.connections.capabilityFor(cluster.id, Capabilities.topicAdmin, 'deleteTopics');
  const selected = Array.isArray(selection) ? selection.filter((n): n is TopicNode => n instanceof TopicNode && n.cluster.id === cluster.id) : [];
  const given = objectArg(arg).topics;
  const names = Array.isArray(given)
    ? given.filter((t): t is string => typeof t === 'string')
    : selected.length > 0
      ? selected.map((n) => n.topic.name)
      : [await resolveTopic(ctx, cluster, arg, 'Delete which topic?')];
  const expected = names.length === 1 ? names[0] : String(names.length);
  await typedConfirmation(arg, expected, `Delete ${names.length === 1 ? `topic "${names[0]}"` : `${names.length} topics`} from ${cluster.name}?`);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${names.join(', ')}…` }, () =>
    admin.deleteTopics(names),
  );
  ctx.log.info(`Deleted ${names.join(', ')} on ${cluster.name}`);
  ctx.tree.refreshById(`topics:${cluster.id}`);
  void vscode.window.showInformationMessage(`Deleted ${names.length === 1 ? `"${names[0]}"` : `${names.length} topics`} from ${cluster.name}.`);
  return names;
}
