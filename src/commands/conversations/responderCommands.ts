import * as vscode from 'vscode';
import { TopicNode } from '../../explorer/nodes';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, numberField, objectArg, stringField } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';
import type { ConversationFeature, ResponderInfo } from './conversationFeature';
import { readConvention } from './conversationSettings';
import { ResponderItem } from './respondersView';

const DEFAULT_TEMPLATE = '{"status": "ok", "request": "{{request.value}}", "repliedAt": "{{now}}"}';

/**
 * Start Responder: answers every request on a topic, on its reply-to topic, with the same
 * correlation id. Argument (all optional): `{ clusterId, requestTopic, template, delayMs, failureRate, preset }`.
 */
export async function startResponder(ctx: CommandContext, feature: ConversationFeature, arg?: unknown): Promise<ResponderInfo> {
  const given = objectArg(arg);
  const cluster = await resolveCluster(ctx, arg);
  const requestTopic =
    arg instanceof TopicNode
      ? arg.topic.name
      : await resolveTopic(ctx, cluster, { topic: stringField(given, 'requestTopic') }, 'Answer requests arriving on which topic?');
  let template = stringField(given, 'template');
  if (template === undefined) {
    template = await vscode.window.showInputBox({
      title: 'Reply template',
      prompt: 'Use {{request.value.field}}, {{request.key}}, {{request.headers.name}}, {{correlationId}} and the produce placeholders ({{uuid}}, {{now}}…)',
      value: DEFAULT_TEMPLATE,
      ignoreFocusOut: true,
    });
    if (template === undefined) {
      throw new UserCancelled();
    }
  }
  const convention = readConvention(stringField(given, 'preset'));
  const info = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Starting a responder on ${requestTopic}` },
    () =>
      feature.startResponder(cluster.id, {
        requestTopic,
        template,
        convention,
        delayMs: numberField(given, 'delayMs'),
        failureRate: numberField(given, 'failureRate'),
      }),
  );
  if (given.quiet !== true) {
    void vscode.window.showInformationMessage(`Responder on "${requestTopic}" is running. Stop it from the Responders view or the status bar.`);
  }
  return info;
}

/**
 * Stop Responder: the one given (tree item, `{ id }`, or `{ clusterId, requestTopic }`), the only
 * one running, or a pick among them. Returns the ids stopped.
 */
export async function stopResponder(feature: ConversationFeature, arg?: unknown): Promise<string[]> {
  const running = feature.list();
  if (running.length === 0) {
    throw new Error('No responder is running.');
  }
  let chosen: ResponderInfo[];
  if (arg instanceof ResponderItem) {
    chosen = [arg.responder];
  } else {
    const given = objectArg(arg);
    const id = stringField(given, 'id');
    const clusterId = stringField(given, 'clusterId');
    const requestTopic = stringField(given, 'requestTopic');
    chosen = running.filter(
      (r) => (id === undefined || r.id === id) && (clusterId === undefined || r.clusterId === clusterId) && (requestTopic === undefined || r.requestTopic === requestTopic),
    );
    if (chosen.length === 0) {
      throw new Error('No running responder matches; see the Responders view.');
    }
    if (chosen.length > 1 && id === undefined && clusterId === undefined && requestTopic === undefined) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'All responders', responders: running },
          ...running.map((r) => ({ label: r.requestTopic, description: `${r.clusterName} · ${r.stats.replied} replied`, responders: [r] })),
        ],
        { placeHolder: 'Stop which responder?', ignoreFocusOut: true },
      );
      if (!picked) {
        throw new UserCancelled();
      }
      chosen = picked.responders;
    }
  }
  await Promise.all(chosen.map((r) => feature.stopResponder(r.id)));
  return chosen.map((r) => r.id);
}
