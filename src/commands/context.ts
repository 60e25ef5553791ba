import type * as vscode from 'vscode';
import type { ConnectionService } from '../connections/connectionService';
import type { LocalKafkaService } from '../local/localKafkaService';
import type { ClusterTreeProvider } from '../explorer/clusterTreeProvider';
import type { TailPanelManager } from '../webview/tailPanelManager';
import type { ProduceFeature } from './produce/produceFeature';
import type { ConversationFeature } from './conversations/conversationFeature';

/** What command handlers work with; built once in extension.ts. */
export interface CommandContext {
  connections: ConnectionService;
  tree: ClusterTreeProvider;
  tails: TailPanelManager;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  /** Produce-from-files state (diagnostics, per-file targets, repeats); absent only in bare test contexts. */
  produce?: ProduceFeature;
  /** The local Kafka (Docker stack and Java broker); absent only in bare test contexts. */
  local?: LocalKafkaService;
  /** Request/reply channels and responders; absent only in bare test contexts. */
  conversations?: ConversationFeature;
}

/** Reads a plain-object argument (from tests, other extensions, or keybindings) without trusting it. */
export function objectArg(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function stringField(value: Record<string, unknown>, name: string): string | undefined {
  const field = value[name];
  return typeof field === 'string' ? field : undefined;
}

export function numberField(value: Record<string, unknown>, name: string): number | undefined {
  const field = value[name];
  return typeof field === 'number' ? field : undefined;
}
