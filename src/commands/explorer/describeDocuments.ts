import * as vscode from 'vscode';

export const DESCRIBE_SCHEME = 'mqexplorer-describe';

/**
 * Read-only JSON documents for "Describe": a content provider serves them, so they open in a
 * normal editor (search, folding, copy) that cannot be edited or saved by mistake.
 */
export class DescribeDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '// This description is no longer available: run Describe again.';
  }

  /** Opens `data` as pretty JSON titled `title.json`. Keeps at most the last 50 documents. */
  async open(title: string, data: unknown): Promise<vscode.TextEditor> {
    const safeTitle = title.replace(/[\\/:*?"<>|#%]/g, '_');
    const uri = vscode.Uri.from({ scheme: DESCRIBE_SCHEME, path: `/${safeTitle}.json`, query: String(++this.counter) });
    this.contents.set(uri.toString(), `${JSON.stringify(data, null, 2)}\n`);
    if (this.contents.size > 50) {
      this.contents.delete(this.contents.keys().next().value as string);
    }
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(document, { preview: true });
  }
}
