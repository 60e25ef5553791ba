/**
 * The one message protocol between the extension host and the tail webview. Both sides switch
 * over `type` with an exhaustiveness check, so adding a message breaks the build until handled.
 */
import type { TailMessage, TailState } from '../core/brokerClient';

export interface TailPanelInfo {
  clusterName: string;
  topics: string[];
  fromBeginning: boolean;
  /** How many messages the panel keeps; older ones drop first. */
  maxMessages: number;
}

export type HostToWebview =
  | { type: 'init'; info: TailPanelInfo; state: TailState; detail?: string }
  | { type: 'messages'; messages: TailMessage[] }
  | { type: 'state'; state: TailState; detail?: string }
  | { type: 'cleared' };

export type WebviewToHost = { type: 'ready' } | { type: 'pause' } | { type: 'resume' } | { type: 'clear' };

/** Compile-time guard for exhaustive switches on either side. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

/** Runtime check for what arrives from the webview (it is untrusted input). */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'pause' || type === 'resume' || type === 'clear';
}
