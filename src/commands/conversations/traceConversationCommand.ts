import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import { knownCorrelationHeaders } from '../../conversations/conventions';
import { type ConversationTrace, renderTraceMarkdown, traceConversation } from '../../conversations/trace';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg, stringField } from '../context';
import { resolveCluster } from '../pickers';
import type { ConversationFeature } from './conversationFeature';
import { readConvention, traceWindowMs } from './conversationSettings';

/** A time argument: milliseconds since epoch or an ISO date string. */
function timeField(given: Record<string, unknown>, name: string): number | undefined {
  const value = given[name];
  if (value === undefined) {
    return undefined;
  }
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(`${name} must be a date (ISO text such as 2025-01-31T12:00:00Z) or milliseconds since 1970.`);
  }
  return ms;
}

async function pickTopics(ctx: CommandContext, clusterId: string): Promise<string[]> {
  const topics = (await ctx.connections.getClient(clusterId).listTopics()).filter((t) => !t.internal);
  const picked = await vscode.window.showQuickPick(
    topics.map((t) => ({ label: t.name })),
    { canPickMany: true, placeHolder: 'Search which topics for the conversation?', ignoreFocusOut: true },
  );
  if (!picked || picked.length === 0) {
    throw new UserCancelled();
  }
  return picked.map((p) => p.label);
}

/**
 * Trace Conversation: every message carrying a correlation id across chosen topics within a time
 * window (default: the last `traceWindowMinutes`), as a timeline document. Argument (all
 * optional): `{ clusterId, correlationId, topics, fromTime, toTime, quiet }`.
 */
export async function traceConversationCommand(ctx: CommandContext, feature: ConversationFeature, arg?: unknown): Promise<ConversationTrace> {
  const given = objectArg(arg);
  const cluster = await resolveCluster(ctx, arg);
  const correlationId =
    stringField(given, 'correlationId') ??
    (await vscode.window.showInputBox({
      title: 'Trace Conversation',
      prompt: 'Correlation id (text, a UUID, or hex:… for raw bytes)',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length === 0 ? 'Enter a correlation id.' : undefined),
    }));
  if (correlationId === undefined) {
    throw new UserCancelled();
  }
  const topics = Array.isArray(given.topics) ? given.topics.filter((t): t is string => typeof t === 'string') : await pickTopics(ctx, cluster.id);
  const toTime = timeField(given, 'toTime') ?? Date.now();
  const fromTime = timeField(given, 'fromTime') ?? toTime - traceWindowMs();
  const convention = readConvention();
  const trace = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tracing ${correlationId} in ${topics.length} topic(s)` },
    () =>
      traceConversation(ctx.connections.capabilityFor(cluster.id, Capabilities.conversations, 'readWindow'), {
        correlationId,
        topics,
        headerNames: knownCorrelationHeaders([convention.correlationHeader]),
        fromTime,
        toTime,
      }),
  );
  ctx.log.info(`Trace of ${correlationId}: ${trace.steps.length} step(s) among ${trace.scanned} message(s)`);
  if (given.quiet !== true) {
    await feature.documents.open(`conversation ${correlationId}`, 'markdown', renderTraceMarkdown(trace));
  }
  return trace;
}
