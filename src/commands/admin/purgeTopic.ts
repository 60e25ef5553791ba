import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import { type CommandContext, objectArg } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';
import { typedConfirmation } from './confirm';

/**
 * Purge Records: deletes every record of a topic (typed confirmation with the topic name), or,
 * with `{ clusterId, topic, partitions: [{ partition, offset }] }`, the records before those offsets.
 */
export async function purgeTopic(ctx: CommandContext, arg?: unknown): Promise<void> {
  const cluster = await resolveCluster(ctx, arg);
  const admin = ctx.connections.capabilityFor(cluster.id, Capabilities.topicAdmin, 'purgeTopic');
  const topic = await resolveTopic(ctx, cluster, arg, 'Purge the records of which topic?');
  const given = objectArg(arg).partitions;
  const partitions = Array.isArray(given)
    ? given
        .map((p) => objectArg(p))
        .filter((p) => typeof p.partition === 'number' && typeof p.offset === 'string')
        .map((p) => ({ partition: p.partition as number, offset: p.offset as string }))
    : undefined;
  await typedConfirmation(arg, topic, `Delete ${partitions ? 'the records before the given offsets' : 'every record'} of "${topic}" on ${cluster.name}?`);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Purging "${topic}"…` }, () =>
    admin.purgeTopic(topic, partitions),
  );
  ctx.log.info(`Purged ${partitions ? 'part of ' : ''}"${topic}" on ${cluster.name}`);
  ctx.tree.refreshById(`topic:${cluster.id}:${topic}`);
  void vscode.window.showInformationMessage(`Purged the records of "${topic}".`);
}
