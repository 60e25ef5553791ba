import * as vscode from 'vscode';
import { isCommentLine } from '../../produce/shapes';
import { arrayElementRanges, positionAt } from '../../produce/jsonText';
import type { ProduceFeature } from './produceFeature';
import { readProduceSettings } from './settings';

/** Files that get CodeLens: JSONL/NDJSON, and JSON named `*.kafka.json`. */
export const PRODUCE_CODELENS_SELECTOR: vscode.DocumentSelector = [
  { language: 'jsonl' },
  { pattern: '**/*.{jsonl,ndjson}' },
  { pattern: '**/*.kafka.json' },
];

// Beyond this, per-message lenses would slow the editor down; "Produce all" still covers the file.
const MAX_MESSAGE_LENSES = 500;

/**
 * "Produce all" (with the target, when known) and "Change target" above the first message, and
 * "Produce" above each message (array element or line), up to MAX_MESSAGE_LENSES.
 */
export class ProduceCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(
    private readonly feature: ProduceFeature,
    private readonly commands: { produce: string; setTarget: string },
  ) {
    this.onDidChangeCodeLenses = feature.onDidChange;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!readProduceSettings(document.uri).codeLens) {
      return [];
    }
    const starts = messageStarts(document);
    if (starts.length === 0) {
      return [];
    }
    const target = this.feature.targets.targetFor(document);
    const uri = document.uri.toString();
    const top = new vscode.Range(starts[0], 0, starts[0], 0);
    const lenses = [
      new vscode.CodeLens(top, {
        title: `$(send) Produce all${target ? ` → ${target.topic}` : '…'}`,
        command: this.commands.produce,
        arguments: [{ wholeFile: true, uri }],
      }),
      new vscode.CodeLens(top, { title: target ? 'Change target…' : 'Set target…', command: this.commands.setTarget, arguments: [{ uri }] }),
    ];
    for (const line of starts.slice(0, MAX_MESSAGE_LENSES)) {
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: 'Produce',
          command: this.commands.produce,
          arguments: [{ line, uri }],
        }),
      );
    }
    return lenses;
  }
}

/** First line of each message: non-empty, non-comment lines for JSONL, element starts for a JSON array. */
function messageStarts(document: vscode.TextDocument): number[] {
  const jsonl = document.languageId === 'jsonl' || /\.(jsonl|ndjson)$/i.test(document.fileName);
  if (jsonl) {
    const lines: number[] = [];
    for (let i = 0; i < document.lineCount && lines.length < MAX_MESSAGE_LENSES; i++) {
      const text = document.lineAt(i).text;
      if (text.trim().length > 0 && !isCommentLine(text)) {
        lines.push(i);
      }
    }
    return lines;
  }
  const text = document.getText();
  const start = text.length - text.trimStart().length;
  if (text[start] !== '[') {
    return text.trim().length > 0 ? [positionAt(text, start).line] : [];
  }
  try {
    JSON.parse(text);
  } catch {
    return [positionAt(text, start).line];
  }
  return arrayElementRanges(text).map((r) => positionAt(text, r.start).line);
}
