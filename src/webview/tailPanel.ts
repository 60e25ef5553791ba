import * as vscode from 'vscode';
import type { BrokerClient, TailMessage, TailOptions, TailSession, TailState } from '../core/brokerClient';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterEntry } from '../connections/connectionService';
import { type HostToWebview, type TailPanelInfo, assertNever, isWebviewToHost } from './protocol';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

/** How often buffered messages go to the webview: often enough to feel live, rarely enough to batch. */
const FLUSH_INTERVAL_MS = 50;
const MAX_BATCH = 1_000;

/** What a panel holds, for the test API and "open in editor" later. */
export interface TailPanelSnapshot {
  id: string;
  clusterId: string;
  topics: string[];
  state: TailState;
  detail?: string;
  messages: TailMessage[];
}

/**
 * Host side of one tail panel. The host keeps the records (capped) and streams them to the
 * webview in batches after its "ready" handshake; the webview only renders.
 */
export class TailPanel extends DisposableStore {
  private readonly retained: TailMessage[] = [];
  private pending: TailMessage[] = [];
  private webviewReady = false;
  private state: TailState = 'connecting';
  private detail: string | undefined;
  private session: TailSession | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly closed = this._register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;

  constructor(
    readonly id: string,
    private readonly panel: vscode.WebviewPanel,
    readonly cluster: ClusterEntry,
    readonly options: TailOptions,
    private readonly maxMessages: number,
    private readonly log: vscode.LogOutputChannel,
    extensionUri: vscode.Uri,
  ) {
    super();
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: panel.title,
      script: ['dist', 'webview', 'tail.js'],
      style: ['media', 'tail.css'],
    });
    this._register(panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  /** Starts the consumer; on failure the panel shows why, and the error is rethrown to the command. */
  async start(client: BrokerClient): Promise<void> {
    try {
      this.session = await client.startTail(this.options, {
        onMessages: (batch) => this.accept(batch),
        onState: (state, detail) => this.setState(state, detail),
      });
      if (this.disposed) {
        await this.session.stop();
      }
    } catch (error) {
      this.setState('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  snapshot(): TailPanelSnapshot {
    return {
      id: this.id,
      clusterId: this.cluster.id,
      topics: [...this.options.topics],
      state: this.state,
      detail: this.detail,
      messages: [...this.retained],
    };
  }

  override dispose(): void {
    if (this.disposed) {
      return;
    }
    clearTimeout(this.flushTimer);
    const session = this.session;
    this.session = undefined;
    void session?.stop().catch((error: unknown) => this.log.warn(`Stopping tail failed: ${String(error)}`));
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }

  private info(): TailPanelInfo {
    return {
      clusterName: this.cluster.name,
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning,
      maxMessages: this.maxMessages,
    };
  }

  private onMessage(message: unknown): void {
    if (!isWebviewToHost(message)) {
      this.log.warn(`Tail panel sent an unknown message: ${JSON.stringify(message)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        // Also sent again when a hidden panel is shown: the webview starts empty, so replay what is retained.
        this.webviewReady = true;
        this.post({ type: 'init', info: this.info(), state: this.state, detail: this.detail });
        this.pending = [...this.retained];
        this.flush();
        break;
      case 'pause':
        this.session?.pause();
        break;
      case 'resume':
        this.session?.resume();
        break;
      case 'clear':
        this.retained.length = 0;
        this.pending = [];
        this.post({ type: 'cleared' });
        break;
      default:
        assertNever(message);
    }
  }

  private accept(batch: TailMessage[]): void {
    this.retained.push(...batch);
    const overflow = this.retained.length - this.maxMessages;
    if (overflow > 0) {
      this.retained.splice(0, overflow);
    }
    if (!this.webviewReady) {
      return;
    }
    this.pending.push(...batch);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Anything beyond the cap would be dropped by the webview anyway.
    const toSend = this.pending.slice(-this.maxMessages);
    this.pending = [];
    for (let i = 0; i < toSend.length; i += MAX_BATCH) {
      this.post({ type: 'messages', messages: toSend.slice(i, i + MAX_BATCH) });
    }
  }

  private setState(state: TailState, detail?: string): void {
    this.state = state;
    this.detail = detail;
    this.post({ type: 'state', state, detail });
  }

  private post(message: HostToWebview): void {
    if (this.webviewReady && !this.disposed) {
      void this.panel.webview.postMessage(message);
    }
  }
}
