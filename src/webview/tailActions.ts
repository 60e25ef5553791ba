/** What a tail panel does with VS Code beyond its webview: export files, Open in editor, Trace Conversation. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { type ExportFormat, exportChunks } from '../tail/exportRecords';
import type { StoredMessage } from '../tail/recordStore';
import { editorContentOf } from './tailDetails';
import { traceRequestFor } from './tailTrace';

/** Writes records to a file in chunks, waiting for the stream to drain. */
export async function writeExport(file: string, records: Iterable<StoredMessage>, format: ExportFormat): Promise<void> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  for (const chunk of exportChunks(records, format)) {
    if (!out.write(chunk)) {
      await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  }
  out.end();
  await finished;
}

/** Asks where to save, then exports (through `exportTo`) and says how many were written. */
export async function exportWithDialog(topics: readonly string[], format: ExportFormat, exportTo: (file: string) => Promise<number>): Promise<void> {
  const name = `${topics.join('_') || 'tail'}.${format}`;
  const target = await vscode.window.showSaveDialog({
    title: 'Export the shown messages',
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), name),
    filters: { [format.toUpperCase()]: [format] },
  });
  if (!target) {
    return;
  }
  try {
    const count = await exportTo(target.fsPath);
    void vscode.window.showInformationMessage(`Exported ${count} message${count === 1 ? '' : 's'} to ${target.fsPath}.`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Traces the conversation of a shown message: its correlation header and a window around its
 * time, through the Trace Conversation command (which asks for the topics unless given).
 */
export async function traceConversationOf(clusterId: string, message: StoredMessage, topics?: string[]): Promise<unknown> {
  const config = vscode.workspace.getConfiguration('mqExplorer.conversations');
  const request = traceRequestFor(
    message,
    config.get<string>('correlationHeader', 'correlation-id'),
    Math.max(1, config.get<number>('traceWindowMinutes', 60)) * 60_000,
  );
  if (typeof request === 'string') {
    void vscode.window.showWarningMessage(request);
    return undefined;
  }
  return vscode.commands.executeCommand('mqExplorer.traceConversation', {
    clusterId,
    correlationId: request.correlationId,
    fromTime: request.fromTime,
    toTime: request.toTime,
    ...(topics ? { topics, quiet: true } : {}),
  });
}

/** What "Open in editor" opened, for tests. */
export interface OpenedMessage {
  uri: string;
  languageId: string;
  text: string;
}

/** Opens a message's value in a new untitled editor beside the panel. */
export async function openMessageInEditor(m: StoredMessage): Promise<OpenedMessage> {
  const { content, language } = editorContentOf(m);
  const document = await vscode.workspace.openTextDocument({ content, language });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return { uri: document.uri.toString(), languageId: document.languageId, text: document.getText() };
}
