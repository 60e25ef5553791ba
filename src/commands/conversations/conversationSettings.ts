import * as vscode from 'vscode';
import { type HeaderConvention, PRESETS, isPresetName } from '../../conversations/conventions';

/** The header convention: a preset by name (argument or setting), or the custom header settings. */
export function readConvention(presetArg?: string): HeaderConvention {
  const config = vscode.workspace.getConfiguration('mqExplorer.conversations');
  const preset = presetArg ?? config.get<string>('preset', 'plain');
  if (isPresetName(preset)) {
    return PRESETS[preset];
  }
  if (preset !== 'custom') {
    throw new Error(`Unknown header preset "${preset}": use plain, spring, cloudevents or custom.`);
  }
  const correlationHeader = config.get<string>('correlationHeader', 'correlation-id').trim();
  const replyToHeader = config.get<string>('replyToHeader', 'reply-to').trim();
  if (!correlationHeader || !replyToHeader) {
    throw new Error('Set mqExplorer.conversations.correlationHeader and replyToHeader, or pick a preset.');
  }
  const idEncoding = config.get<string>('idEncoding', 'text') === 'uuid-bytes' ? 'uuid-bytes' : 'text';
  return { correlationHeader, replyToHeader, idEncoding };
}

export function requestTimeoutMs(): number {
  return Math.max(1, vscode.workspace.getConfiguration('mqExplorer.conversations').get<number>('timeoutSeconds', 30)) * 1000;
}

export function traceWindowMs(): number {
  return Math.max(1, vscode.workspace.getConfiguration('mqExplorer.conversations').get<number>('traceWindowMinutes', 60)) * 60_000;
}
