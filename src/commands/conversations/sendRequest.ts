import * as vscode from 'vscode';
import { formatCorrelationId, headersAsText, parseCorrelationId } from '../../conversations/conventions';
import { ReplyTimeout, RequestCancelled } from '../../conversations/correlator';
import { requestFromText } from '../../conversations/requestSource';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, numberField, objectArg, stringField } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';
import type { ConversationFeature } from './conversationFeature';
import { readConvention, requestTimeoutMs } from './conversationSettings';

/** What Send Request returns (and shows beside the request as read-only JSON). */
export interface RequestReplyResult {
  correlationId: string;
  roundTripMs: number;
  waitedMs: number;
  request: { topic: string; key: string | null; value: string; headers: Record<string, string>; timestamp: string };
  reply: { topic: string; partition: number; offset: string; timestamp: string; key: string | null; value: string | null; headers: [string, string | null][] };
}

/**
 * Send Request: the selection (or whole file) as a request with a correlation id and a reply-to
 * header, then waits (with progress and cancel) for the reply carrying the same id. Argument (all
 * optional): `{ clusterId, topic, replyTopic, correlationId, preset, timeoutMs, quiet }`.
 */
export async function sendRequest(ctx: CommandContext, feature: ConversationFeature, arg?: unknown): Promise<RequestReplyResult> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    throw new Error('Open the file holding the request, then run "Send Request" again.');
  }
  const given = objectArg(arg);
  const text = editor.document.getText(editor.selection.isEmpty ? undefined : editor.selection);
  if (text.trim().length === 0) {
    throw new Error('There is nothing to send: the file (or selection) is empty.');
  }
  const convention = readConvention(stringField(given, 'preset'));
  const source = requestFromText(text, convention.correlationHeader);
  const cluster = await resolveCluster(ctx, arg);
  const topic = await resolveTopic(ctx, cluster, arg, 'Send the request to which topic?');
  const replyTopic = await resolveTopic(ctx, cluster, { topic: stringField(given, 'replyTopic') }, 'Replies come back on which topic?');
  const idText = stringField(given, 'correlationId') ?? source.correlationId;
  const correlationId = idText === undefined ? undefined : parseCorrelationId(idText, convention.idEncoding);
  const timeoutMs = numberField(given, 'timeoutMs') ?? requestTimeoutMs();

  const correlator = feature.correlator(cluster.id, replyTopic, convention);
  const trip = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Waiting for the reply on ${replyTopic}`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        return await correlator.request({
          topic,
          key: source.key ?? null,
          value: source.value,
          headers: source.headers,
          correlationId,
          timeoutMs,
          signal: abort.signal,
        });
      } catch (error) {
        if (error instanceof RequestCancelled && abort.signal.aborted) {
          throw new UserCancelled();
        }
        if (error instanceof ReplyTimeout) {
          throw new Error(error.message);
        }
        throw error;
      } finally {
        subscription.dispose();
        feature.release(cluster.id, replyTopic, convention);
      }
    },
  );
  const result: RequestReplyResult = {
    correlationId: formatCorrelationId(trip.correlationId),
    roundTripMs: trip.roundTripMs,
    waitedMs: trip.waitedMs,
    request: {
      topic,
      key: source.key ?? null,
      value: source.value,
      headers: { ...source.headers, [convention.correlationHeader]: formatCorrelationId(trip.correlationId), [convention.replyToHeader]: replyTopic },
      timestamp: new Date(trip.requestTimestamp).toISOString(),
    },
    reply: {
      topic: trip.reply.topic,
      partition: trip.reply.partition,
      offset: trip.reply.offset,
      timestamp: new Date(trip.reply.timestamp).toISOString(),
      key: trip.reply.key?.toString('utf8') ?? null,
      value: trip.reply.value?.toString('utf8') ?? null,
      headers: headersAsText(trip.reply.headers),
    },
  };
  ctx.log.info(`Reply to ${result.correlationId} on ${replyTopic} after ${trip.roundTripMs} ms`);
  if (given.quiet !== true) {
    await feature.documents.open(`reply ${result.correlationId}`, 'json', `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}
