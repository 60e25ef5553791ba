import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { BrokerClient, TailIdentity, TailLag, TailMessage, TailOptions, TailSession, TailState } from '../core/brokerClient';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterEntry } from '../connections/connectionService';
import { prettyPayload } from '../tail/decode';
import { type ExportFormat, exportChunks } from '../tail/exportRecords';
import { type FilterSpec, describeFilter } from '../tail/filters';
import { RecordStore, type StoreCounts } from '../tail/recordStore';
import { type HostToWebview, type TailPanelInfo, assertNever, isWebviewToHost } from './protocol';
import { traceRequestFor } from './tailTrace';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

/** How often counts go to the webview: often enough to feel live, rarely enough to batch. */
const STATUS_INTERVAL_MS = 100;
const LAG_REFRESH_MS = 5_000;

/** What a panel holds, for the test API. */
export interface TailPanelSnapshot {
  id: string;
  clusterId: string;
  topics: string[];
  state: TailState;
  detail?: string;
  messages: TailMessage[];
  counts: StoreCounts;
  filter: FilterSpec;
  identity?: TailIdentity;
  mode: 'push' | 'pull';
  lag?: number;
}

export interface TailPanelSettings {
  maxMessages: number;
  pullEverySeconds: number;
  pullCount: number;
}

/**
 * Host side of one tail panel. The host keeps the records (RecordStore, capped) and the filter;
 * the webview asks for the rows it shows, by range, after its "ready" handshake.
 */
export class TailPanel extends DisposableStore {
  private readonly store: RecordStore;
  private webviewReady = false;
  private state: TailState = 'connecting';
  private detail: string | undefined;
  private session: TailSession | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private pullTimer: NodeJS.Timeout | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private lag: TailLag | undefined;
  private filterError: string | undefined;
  private pullEverySeconds: number;
  private readonly closed = this._register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;

  constructor(
    readonly id: string,
    private readonly panel: vscode.WebviewPanel,
    readonly cluster: ClusterEntry,
    readonly options: TailOptions,
    private readonly settings: TailPanelSettings,
    private readonly log: vscode.LogOutputChannel,
    extensionUri: vscode.Uri,
  ) {
    super();
    this.store = new RecordStore(settings.maxMessages);
    this.pullEverySeconds = settings.pullEverySeconds;
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
        onLag: (lag) => {
          this.lag = lag;
          this.scheduleStatus();
        },
      });
      if (this.disposed) {
        await this.session.stop();
        return;
      }
      this.lagTimer = setInterval(() => void this.session?.refreshLag().catch(() => undefined), LAG_REFRESH_MS);
      this.schedulePulls();
      this.postInit();
    } catch (error) {
      this.setState('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Replaces the filter and re-applies it to what is retained; an invalid one is reported, not applied. */
  setFilter(spec: FilterSpec): void {
    try {
      this.store.setFilter(spec);
      this.filterError = undefined;
    } catch (error) {
      this.filterError = error instanceof Error ? error.message : String(error);
    }
    this.postStatus();
  }

  /** Pull mode: one page now. */
  async fetchNext(count: number): Promise<number> {
    return (await this.session?.fetchNext(count)) ?? 0;
  }

  /** Writes the filtered view to a file. */
  async exportTo(file: string, format: ExportFormat): Promise<number> {
    const out = fs.createWriteStream(file, { encoding: 'utf8' });
    const finished = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    for (const chunk of exportChunks(this.store.filtered(), format)) {
      if (!out.write(chunk)) {
        await new Promise<void>((resolve) => out.once('drain', resolve));
      }
    }
    out.end();
    await finished;
    return this.store.counts().matched;
  }

  snapshot(): TailPanelSnapshot {
    const messages: TailMessage[] = [];
    for (const m of this.store.retained()) {
      messages.push({ topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: m.headers, size: m.size, ...(m.valueEncoding === 'base64' ? { valueBinary: true } : {}) });
    }
    return {
      id: this.id,
      clusterId: this.cluster.id,
      topics: this.session ? [...this.session.topics] : [...this.options.topics],
      state: this.state,
      detail: this.detail,
      messages,
      counts: this.store.counts(),
      filter: this.store.filter,
      identity: this.session?.identity,
      mode: this.options.mode ?? 'push',
      lag: this.lag?.total,
    };
  }

  override dispose(): void {
    if (this.disposed) {
      return;
    }
    clearTimeout(this.statusTimer);
    clearInterval(this.pullTimer);
    clearInterval(this.lagTimer);
    const session = this.session;
    this.session = undefined;
    void session?.stop().catch((error: unknown) => this.log.warn(`Stopping tail failed: ${String(error)}`));
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }

  private info(): TailPanelInfo {
    const start = this.options.start ?? (this.options.fromBeginning ? 'earliest' : 'latest');
    return {
      clusterName: this.cluster.name,
      topics: this.session ? [...this.session.topics] : this.options.topics,
      fromBeginning: this.options.fromBeginning,
      maxMessages: this.settings.maxMessages,
      start: start === 'timestamp' ? `at ${new Date(this.options.timestamp ?? 0).toISOString()}` : start,
      mode: this.options.mode ?? 'push',
      identity: this.session?.identity ?? { kind: this.options.group ? 'shared' : 'broadcast', groupId: this.options.group ?? '' },
      pullEverySeconds: this.pullEverySeconds,
      pullCount: this.settings.pullCount,
    };
  }

  private onMessage(message: unknown): void {
    if (!isWebviewToHost(message)) {
      this.log.warn(`Tail panel sent an unknown message: ${JSON.stringify(message)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        // Also sent again when a hidden panel is shown: the webview starts empty and asks for rows.
        this.webviewReady = true;
        this.postInit();
        break;
      case 'pause':
        this.session?.pause();
        break;
      case 'resume':
        this.session?.resume();
        break;
      case 'clear':
        this.store.clear();
        this.post({ type: 'cleared' });
        this.postStatus();
        break;
      case 'rows':
        this.post({ type: 'rows', requestId: message.requestId, total: this.store.counts().matched, rows: this.store.page(message.start, Math.min(message.count, 500)) });
        break;
      case 'filter':
        this.setFilter(message.spec);
        break;
      case 'details':
        this.post({ type: 'details', details: this.details(message.seq) });
        break;
      case 'fetchNext':
        void this.fetchNext(message.count).catch((error: unknown) => this.setState(this.state, String(error)));
        break;
      case 'pullEvery':
        this.pullEverySeconds = message.seconds;
        this.schedulePulls();
        break;
      case 'export':
        void this.exportWithDialog(message.format);
        break;
      case 'trace':
        void this.traceConversation(message.seq).catch((error: unknown) => this.log.warn(`Trace from the tail failed: ${String(error)}`));
        break;
      default:
        assertNever(message);
    }
  }

  /**
   * Traces the conversation of a shown message: its correlation header and a window around its
   * time, through the Trace Conversation command (which asks for the topics unless given).
   */
  async traceConversation(seq: number, topics?: string[]): Promise<unknown> {
    const message = this.store.get(seq);
    if (!message) {
      throw new Error('That message is no longer in the panel.');
    }
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
      clusterId: this.cluster.id,
      correlationId: request.correlationId,
      fromTime: request.fromTime,
      toTime: request.toTime,
      ...(topics ? { topics, quiet: true } : {}),
    });
  }

  /** The sequence number of the first retained message at this partition and offset. */
  seqOf(partition: number, offset: string): number | undefined {
    for (const m of this.store.retained()) {
      if (m.partition === partition && m.offset === offset) {
        return m.seq;
      }
    }
    return undefined;
  }

  private details(seq: number): { seq: number; title: string; key: string; value: string; headers: string } | undefined {
    const m = this.store.get(seq);
    if (!m) {
      return undefined;
    }
    return {
      seq,
      title: `${m.topic} · partition ${m.partition} · offset ${m.offset} · ${new Date(m.timestamp).toISOString()} · ${m.size} B`,
      key: prettyPayload(m.key, m.keyEncoding),
      value: prettyPayload(m.value, m.valueEncoding),
      headers: JSON.stringify(m.headers, null, 2),
    };
  }

  private async exportWithDialog(format: ExportFormat): Promise<void> {
    const name = `${(this.session?.topics ?? this.options.topics).join('_') || 'tail'}.${format}`;
    const target = await vscode.window.showSaveDialog({
      title: 'Export the shown messages',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), name),
      filters: { [format.toUpperCase()]: [format] },
    });
    if (!target) {
      return;
    }
    try {
      const count = await this.exportTo(target.fsPath, format);
      void vscode.window.showInformationMessage(`Exported ${count} message${count === 1 ? '' : 's'} to ${target.fsPath}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private schedulePulls(): void {
    clearInterval(this.pullTimer);
    this.pullTimer = undefined;
    if ((this.options.mode ?? 'push') === 'pull' && this.pullEverySeconds > 0 && this.session) {
      this.pullTimer = setInterval(() => void this.fetchNext(this.settings.pullCount).catch(() => undefined), this.pullEverySeconds * 1000);
    }
  }

  private accept(batch: TailMessage[]): void {
    this.store.append(batch);
    this.scheduleStatus();
  }

  private scheduleStatus(): void {
    this.statusTimer ??= setTimeout(() => this.postStatus(), STATUS_INTERVAL_MS);
  }

  private postStatus(): void {
    clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    this.post({
      type: 'status',
      status: { counts: this.store.counts(), lag: this.lag?.total, filter: describeFilter(this.store.filter), filterError: this.filterError },
    });
  }

  private postInit(): void {
    this.post({ type: 'init', info: this.info(), state: this.state, detail: this.detail });
    this.postStatus();
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
