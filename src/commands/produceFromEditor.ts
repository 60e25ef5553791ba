import * as vscode from 'vscode';
import type { ProduceResult } from '../core/brokerClient';
import { type CommandContext, objectArg } from './context';
import { resolveCluster, resolveTopic } from './pickers';

/**
 * Produce Message from Editor: the selection (or the whole file when nothing is selected) as one
 * message to a topic from a quick pick. Tells the partition and offset the broker assigned.
 */
export async function produceFromEditor(ctx: CommandContext, arg?: unknown): Promise<ProduceResult> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    throw new Error('Open the file whose content you want to send, then run "Produce Message from Editor" again.');
  }
  const selection = editor.selection;
  const text = selection.isEmpty ? editor.document.getText() : editor.document.getText(selection);
  if (text.trim().length === 0) {
    throw new Error(
      selection.isEmpty
        ? `"${editor.document.fileName.split(/[\\/]/).pop() ?? 'The file'}" is empty: there is nothing to send.`
        : 'The selection is empty: there is nothing to send.',
    );
  }
  const cluster = await resolveCluster(ctx, arg);
  const topic = await resolveTopic(ctx, cluster, arg, `Send ${selection.isEmpty ? 'this file' : 'the selection'} to which topic?`);
  const [result] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Sending to "${topic}" on ${cluster.name}…` },
    () => ctx.connections.getClient(cluster.id).produce(topic, [{ value: text }]),
  );
  ctx.log.info(`Produced ${Buffer.byteLength(text)} bytes to ${topic} [${result.partition}] @ ${result.offset}`);
  if (objectArg(arg).quiet !== true) {
    void vscode.window
      .showInformationMessage(
        `Sent to "${topic}": partition ${result.partition}, offset ${result.offset}.`,
        'Tail Topic',
      )
      .then((choice) =>
        choice === 'Tail Topic'
          ? ctx.tails.open(cluster, { topics: [topic], fromBeginning: false })
          : undefined,
      );
  }
  return result;
}
