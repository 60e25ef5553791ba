import * as path from 'node:path';
import * as vscode from 'vscode';
import { topicMatches } from '../../produce/contracts';
import { readDirectives } from '../../produce/shapes';
import { readProduceSettings } from './settings';

/** Where a file's messages go: a cluster (by id or name) and a topic. */
export interface FileTarget {
  cluster?: string;
  topic: string;
  /** Where it came from, for the CodeLens title. */
  from: 'file' | 'settings' | 'remembered';
}

const MEMORY_KEY = 'mqExplorer.produce.targets';

/** Remembers the last cluster and topic used for each file (workspace state), so the next run asks nothing. */
export class TargetMemory {
  constructor(private readonly state: vscode.Memento) {}

  remembered(uri: vscode.Uri): { cluster: string; topic: string } | undefined {
    return this.state.get<Record<string, { cluster: string; topic: string }>>(MEMORY_KEY, {})[uri.toString()];
  }

  async remember(uri: vscode.Uri, cluster: string, topic: string): Promise<void> {
    const all = { ...this.state.get<Record<string, { cluster: string; topic: string }>>(MEMORY_KEY, {}) };
    all[uri.toString()] = { cluster, topic };
    await this.state.update(MEMORY_KEY, all);
  }

  /**
   * The file's target: `// @topic` / `// @cluster` at its top, then the `mqExplorer.produce.targets`
   * setting (globs relative to the workspace folder), then what was used last time.
   */
  targetFor(document: vscode.TextDocument): FileTarget | undefined {
    const head: string[] = [];
    for (let i = 0; i < Math.min(document.lineCount, 10); i++) {
      head.push(document.lineAt(i).text);
    }
    return this.targetForHead(document.uri, head);
  }

  /** The same for a file that is not opened, given its first lines. */
  targetForHead(uri: vscode.Uri, head: readonly string[]): FileTarget | undefined {
    const declared = readDirectives(head);
    if (declared.topic) {
      return { cluster: declared.cluster, topic: declared.topic, from: 'file' };
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const relative = folder ? path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/') : undefined;
    for (const [pattern, target] of Object.entries(readProduceSettings(uri).targets)) {
      if (relative && typeof target?.topic === 'string' && (topicMatches(pattern, relative) || topicMatches(pattern, path.basename(relative)))) {
        return { cluster: target.cluster, topic: target.topic, from: 'settings' };
      }
    }
    const remembered = this.remembered(uri);
    return remembered ? { ...remembered, from: 'remembered' } : undefined;
  }
}
