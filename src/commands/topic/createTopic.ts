import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import type { DestinationRules } from '../../core/brokerKind';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, numberField, objectArg, stringField } from '../context';
import { resolveCluster } from '../pickers';

export interface CreatedTopic {
  clusterId: string;
  name: string;
  partitions: number;
  replicationFactor: number;
}

/**
 * Create Topic: name (checked by Kafka's rules as it is typed), partitions and replication factor,
 * asked or given as `{ clusterId, name, partitions, replicationFactor }`. Refreshes the cluster's node.
 * `quiet: true` (a caller that reports the creation itself) shows progress in the status bar and no
 * message: VS Code shows at most three notifications arriving within 800 ms as toasts, and the
 * caller's own result must not be the one left in the notification centre.
 */
export async function createTopic(ctx: CommandContext, arg?: unknown): Promise<CreatedTopic> {
  const cluster = await resolveCluster(ctx, arg);
  const admin = ctx.connections.capabilityFor(cluster.id, Capabilities.topicAdmin, 'createTopic');
  const rules = ctx.connections.kindOf(cluster.id).destinations;
  const given = objectArg(arg);
  const name =
    stringField(given, 'name') ??
    (await ask({
      title: `Create Topic on ${cluster.name} (1/4): name`,
      prompt: 'Letters, digits, ".", "_" and "-"; at most 249 characters',
      validateInput: (text) => rules.validateName(text),
    }));
  const invalid = rules.validateName(name);
  if (invalid) {
    throw new Error(`Cannot create topic: ${invalid}`);
  }
  const partitions = numberField(given, 'partitions') ?? (await askCount('partitions', 2, 1, cluster.name));
  const replicationFactor =
    numberField(given, 'replicationFactor') ?? (await askCount('replication factor', 3, 1, cluster.name));
  const configs = configsFromArg(given.configs) ?? (given.name === undefined ? await askConfigs(cluster.name, rules) : {});
  const quiet = given.quiet === true;
  const client = ctx.connections.getClient(cluster.id);
  await vscode.window.withProgress(
    { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Creating topic "${name}" on ${cluster.name}…` },
    async () => {
      const collision = rules.findCollision(
        name,
        (await client.listTopics()).map((t) => t.name),
      );
      if (collision) {
        throw new Error(
          `Cannot create topic "${name}": it collides with the existing topic "${collision}" (Kafka treats "." and "_" alike in metric names).`,
        );
      }
      await admin.createTopic({ name, partitions, replicationFactor, configs });
    },
  );
  ctx.log.info(`Created topic "${name}" on ${cluster.name} (${partitions} partitions, RF ${replicationFactor})`);
  ctx.tree.refreshById(`topics:${cluster.id}`);
  if (!quiet) {
    void vscode.window.showInformationMessage(
      `Created topic "${name}" on ${cluster.name} with ${partitions} partition${partitions === 1 ? '' : 's'}.`,
    );
  }
  return { clusterId: cluster.id, name, partitions, replicationFactor };
}

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) {
    throw new UserCancelled();
  }
  return value.trim();
}

async function askCount(what: string, step: number, fallback: number, clusterName: string): Promise<number> {
  const text = await ask({
    title: `Create Topic on ${clusterName} (${step}/4): ${what}`,
    value: String(fallback),
    validateInput: (value) =>
      /^\d+$/.test(value.trim()) && Number(value) >= 1 ? undefined : `Enter a whole number of at least 1 for the ${what}.`,
  });
  return Number(text);
}

function configsFromArg(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

async function askConfigs(clusterName: string, rules: DestinationRules): Promise<Record<string, string>> {
  const defaults = Object.entries(rules.commonSettings).map(([k, v]) => `${k}=${v}`).join(', ');
  const text = await ask({
    title: `Create Topic on ${clusterName} (4/4): configs (optional)`,
    prompt: `name=value pairs separated by commas; empty keeps the broker's defaults (Kafka's: ${defaults})`,
    placeHolder: 'e.g. cleanup.policy=compact, retention.ms=86400000',
    validateInput: (v) => {
      const parsed = rules.parseSettings(v);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  const parsed = rules.parseSettings(text);
  return typeof parsed === 'string' ? {} : parsed;
}
