import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import { ConfigNode } from '../../explorer/nodes';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg, stringField } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';

/** Edit Config: from a configuration node (prefilled), or `{ clusterId, topic, name, value }`. */
export async function editTopicConfig(ctx: CommandContext, arg?: unknown): Promise<string> {
  const cluster = await resolveCluster(ctx, arg);
  const admin = ctx.connections.capabilityFor(cluster.id, Capabilities.topicAdmin, 'setTopicConfig');
  const node = arg instanceof ConfigNode ? arg : undefined;
  const topic = node?.topic ?? (await resolveTopic(ctx, cluster, arg, 'Change a config of which topic?'));
  const given = objectArg(arg);
  const name =
    node?.entry.name ??
    stringField(given, 'name') ??
    (await ask({ title: `Config of "${topic}"`, prompt: 'Config name, e.g. retention.ms' }));
  const value =
    stringField(given, 'value') ??
    (await ask({ title: `${name} of "${topic}"`, prompt: 'New value (validated by the broker)', value: node?.entry.value ?? '' }));
  await admin.setTopicConfig(topic, name, value);
  ctx.tree.refreshById(`configs:${cluster.id}:${topic}`);
  void vscode.window.showInformationMessage(`Set ${name}=${value} on "${topic}".`);
  return value;
}

/** Reset Config: removes this topic's override so the broker or default value applies again. */
export async function resetTopicConfig(ctx: CommandContext, arg?: unknown): Promise<string> {
  const cluster = await resolveCluster(ctx, arg);
  const admin = ctx.connections.capabilityFor(cluster.id, Capabilities.topicAdmin, 'setTopicConfig');
  const node = arg instanceof ConfigNode ? arg : undefined;
  const topic = node?.topic ?? (await resolveTopic(ctx, cluster, arg, 'Reset a config of which topic?'));
  const name = node?.entry.name ?? stringField(objectArg(arg), 'name') ?? (await ask({ title: `Reset a config of "${topic}"`, prompt: 'Config name' }));
  await admin.setTopicConfig(topic, name, undefined);
  ctx.tree.refreshById(`configs:${cluster.id}:${topic}`);
  void vscode.window.showInformationMessage(`Reset ${name} on "${topic}" to its inherited value.`);
  return name;
}

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined || !value.trim()) {
    throw new UserCancelled();
  }
  return value.trim();
}
