import * as vscode from 'vscode';

export const CONVERSATION_SCHEME = 'mqexplorer-conversation';

/** Read-only documents for request/reply results (JSON) and traces (Markdown), served from memory. */
export class ConversationDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This result is no longer available: run the command again.';
  }

  /** Opens `text` beside the active editor; keeps at most the last 50 documents. */
  async open(title: string, language: 'json' | 'markdown', text: string): Promise<vscode.TextEditor> {
    const safeTitle = title.replace(/[\\/:*?"<>|#%]/g, '_');
    const extension = language === 'json' ? 'json' : 'md';
    const uri = vscode.Uri.from({ scheme: CONVERSATION_SCHEME, path: `/${safeTitle}.${extension}`, query: String(++this.counter) });
    this.contents.set(uri.toString(), text);
    if (this.contents.size > 50) {
      this.contents.delete(this.contents.keys().next().value as string);
    }
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, language);
    return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }
}
