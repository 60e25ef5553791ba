import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import type { OffsetResetPlan, OffsetResetTarget } from '../../core/clusterModel';
import type { ClusterEntry } from '../../connections/connectionService';
import { GroupNode } from '../../explorer/nodes';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg, stringField } from '../context';
import { resolveCluster } from '../pickers';

/** Delete Consumer Group: only an empty group (the client names the active members otherwise). */
export async function deleteGroup(ctx: CommandContext, arg?: unknown): Promise<string> {
  const cluster = await resolveCluster(ctx, arg);
  const groups = ctx.connections.capabilityFor(cluster.id, Capabilities.groupAdmin, 'deleteConsumerGroup');
  const groupId = await resolveGroup(ctx, cluster, arg);
  const confirmed =
    objectArg(arg).confirm === groupId ||
    (await vscode.window.showWarningMessage(`Delete the consumer group "${groupId}" and its committed offsets?`, { modal: true }, 'Delete')) ===
      'Delete';
  if (!confirmed) {
    throw new UserCancelled();
  }
  await groups.deleteConsumerGroup(groupId);
  ctx.tree.refreshById(`groups:${cluster.id}`);
  void vscode.window.showInformationMessage(`Deleted the consumer group "${groupId}".`);
  return groupId;
}

/**
 * Reset Offsets: a group's committed offsets on one topic (all or some partitions) to earliest,
 * latest, a timestamp or an exact offset. Shows a preview (current > new offset, lag before and
 * after) and applies exactly that. `{ clusterId, groupId, topic, target, partitions?, apply: true }`
 * skips the questions.
 */
export async function resetOffsets(ctx: CommandContext, arg?: unknown): Promise<OffsetResetPlan> {
  const cluster = await resolveCluster(ctx, arg);
  const groups = ctx.connections.capabilityFor(cluster.id, Capabilities.groupAdmin, 'applyOffsetReset');
  const groupId = await resolveGroup(ctx, cluster, arg);
  const given = objectArg(arg);
  const topic = stringField(given, 'topic') ?? (await pickTopic(ctx, cluster, groupId));
  const target = parseTarget(given.target) ?? (await askTarget());
  const partitions = Array.isArray(given.partitions) ? given.partitions.filter((p): p is number => typeof p === 'number') : undefined;
  const plan = await groups.planOffsetReset(groupId, topic, target, partitions);
  if (given.apply !== true) {
    const rows = plan.rows.map((r) => ({
      label: `partition ${r.partition}: ${r.current === '-1' ? 'none' : r.current} → ${r.next}`,
      description: `lag ${r.lagBefore ?? '-'} → ${r.lagAfter}`,
    }));
    const choice = await vscode.window.showQuickPick([...rows, { label: '$(check) Apply this reset', description: '' }], {
      title: `Reset "${groupId}" on "${topic}": preview`,
      placeHolder: 'Check the new offsets, then choose "Apply this reset"',
      ignoreFocusOut: true,
    });
    if (choice?.label !== '$(check) Apply this reset') {
      throw new UserCancelled();
    }
  }
  await groups.applyOffsetReset(plan);
  ctx.log.info(`Reset offsets of ${groupId} on ${topic}: ${plan.rows.map((r) => `p${r.partition} ${r.current}->${r.next}`).join(', ')}`);
  ctx.tree.refreshById(`groups:${cluster.id}`);
  void vscode.window.showInformationMessage(`Reset "${groupId}" on "${topic}" (${plan.rows.length} partition${plan.rows.length === 1 ? '' : 's'}).`);
  return plan;
}

async function resolveGroup(ctx: CommandContext, cluster: ClusterEntry, arg: unknown): Promise<string> {
  if (arg instanceof GroupNode) {
    return arg.group.groupId;
  }
  const named = stringField(objectArg(arg), 'groupId');
  if (named) {
    return named;
  }
  const groups = await ctx.connections.getClient(cluster.id).listConsumerGroups();
  const picked = await vscode.window.showQuickPick(
    groups.map((g) => ({ label: g.groupId, description: `${g.state} · lag ${g.totalLag}` })),
    { placeHolder: 'Which consumer group?', ignoreFocusOut: true },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  return picked.label;
}

async function pickTopic(ctx: CommandContext, cluster: ClusterEntry, groupId: string): Promise<string> {
  const described = await ctx.connections.getClient(cluster.id).describeConsumerGroup(groupId);
  const topics = [...new Set(described.offsets.map((o) => o.topic))];
  const picked = await vscode.window.showQuickPick(topics.length > 0 ? topics : [], {
    placeHolder: topics.length > 0 ? 'Reset the offsets on which topic?' : 'The group has no committed offsets yet',
    ignoreFocusOut: true,
  });
  if (!picked) {
    throw new UserCancelled();
  }
  return picked;
}

function parseTarget(value: unknown): OffsetResetTarget | undefined {
  const t = objectArg(value);
  switch (t.kind) {
    case 'earliest':
    case 'latest':
      return { kind: t.kind };
    case 'timestamp':
      return typeof t.timestamp === 'number' ? { kind: 'timestamp', timestamp: t.timestamp } : undefined;
    case 'offset':
      return typeof t.offset === 'string' ? { kind: 'offset', offset: t.offset } : undefined;
    default:
      return undefined;
  }
}

async function askTarget(): Promise<OffsetResetTarget> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Earliest', description: 're-read everything still stored', target: 'earliest' as const },
      { label: 'Latest', description: 'skip everything not yet read', target: 'latest' as const },
      { label: 'Timestamp…', description: 'the first message at or after a time', target: 'timestamp' as const },
      { label: 'Exact offset…', description: 'the same offset on every chosen partition', target: 'offset' as const },
    ],
    { placeHolder: 'Reset to…', ignoreFocusOut: true },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  const kind = picked.target;
  if (kind === 'earliest' || kind === 'latest') {
    return { kind };
  }
  const text = await vscode.window.showInputBox({
    prompt: kind === 'timestamp' ? 'A date and time, e.g. 2026-11-25T08:00:00Z' : 'An offset (clamped to what each partition holds)',
    ignoreFocusOut: true,
    validateInput: (v) =>
      kind === 'timestamp' ? (Number.isNaN(Date.parse(v)) ? 'Not a date and time.' : undefined) : /^\d+$/.test(v) ? undefined : 'A whole number.',
  });
  if (text === undefined) {
    throw new UserCancelled();
  }
  return kind === 'timestamp' ? { kind: 'timestamp', timestamp: Date.parse(text) } : { kind: 'offset', offset: text };
}
