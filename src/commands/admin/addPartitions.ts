import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import { TopicNode } from '../../explorer/nodes';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, numberField, objectArg } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';

/** Add Partitions: only increases; warns that keys then map to other partitions. `{ clusterId, topic, count }`. */
export async function addPartitions(ctx: CommandContext, arg?: unknown): Promise<number> {
  const cluster = await resolveCluster(ctx, arg);
  const admin = ctx.connections.capabilityFor(cluster.id, Capabilities.topicAdmin, 'addPartitions');
  const topic = await resolveTopic(ctx, cluster, arg, 'Add partitions to which topic?');
  const current = arg instanceof TopicNode ? arg.topic.partitionCount : undefined;
  let count = numberField(objectArg(arg), 'count');
  if (count === undefined) {
    const text = await vscode.window.showInputBox({
      title: `Add partitions to "${topic}"`,
      prompt: `New total number of partitions${current ? ` (now ${current})` : ''}. Messages with a key may then go to a different partition than before, so per-key ordering across the change is lost.`,
      ignoreFocusOut: true,
      validateInput: (v) => (/^\d+$/.test(v) && (!current || Number(v) > current) ? undefined : `Enter a whole number${current ? ` above ${current}` : ''}.`),
    });
    if (text === undefined) {
      throw new UserCancelled();
    }
    count = Number(text);
  }
  await admin.addPartitions(topic, count);
  ctx.log.info(`"${topic}" on ${cluster.name} now has ${count} partitions`);
  ctx.tree.refreshById(`topic:${cluster.id}:${topic}`);
  void vscode.window.showInformationMessage(`"${topic}" now has ${count} partitions. Keyed messages may map to new partitions from now on.`);
  return count;
}
