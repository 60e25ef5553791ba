import * as vscode from 'vscode';
import { Capabilities, requireCapability } from '../core/brokerCapabilities';
import type { BrokerClient, TailIdentity, TailLag, TailMessage, TailOptions, TailSession, TailState } from '../core/brokerClient';
import { DisposableStore } from '../core/lifecycle';
import type { ClusterEntry } from '../connections/connectionService';
import type { ExportFormat } from '../tail/exportRecords';
import { type FilterSpec, describeFilter } from '../tail/filters';
import type { TimeHistogram, TimeRange } from '../tail/histogram';
import { RecordStore, type StoreCounts } from '../tail/recordStore';
import { describeTailStart } from '../tail/tailStart';
import { type HostToWebview, type TailJump, type TailPanelInfo, assertNever, isWebviewToHost } from './protocol';
import { type OpenedMessage, exportWithDialog, openMessageInEditor, traceConversationOf, writeExport } from './tailActions';
import { detailsOf } from './tailDetails';
import { TailFilter } from './tailFilter';
import { jumpIn } from './tailJump';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

/** How often counts go to the webview: often enough to feel live, rarely enough to batch. */
const STATUS_INTERVAL_MS = 100;
/** The time histogram is one pass over the filtered view (~10 ms for 1,000,000): at most this often. */
const HISTOGRAM_INTERVAL_MS = 500;
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
  /** The brushed time range (part of `filter`), if any. */
  timeRange?: TimeRange;
  /** The message selected in the table (clicked, or found by Jump to offset). */
  selected?: { seq: number; topic: string; partition: number; offset: string };
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
  private readonly filtering: TailFilter;
  private webviewReady = false;
  private state: TailState = 'connecting';
  private detail: string | undefined;
  private session: TailSession | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private histogramTimer: NodeJS.Timeout | undefined;
  private histogramVersion = -1;
  /** The filter bar's criteria (last valid ones) and the brushed time range; the store gets both. */
  private selectedSeq: number | undefined;
  private pullTimer: NodeJS.Timeout | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private lag: TailLag | undefined;
  private pullEverySeconds: number;
  /** The consumer's stop (it leaves and, for a broadcast tail, deletes its group); set by dispose. */
  private sessionStopped: Promise<void> = Promise.resolve();
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
    this.filtering = new TailFilter(
      this.store,
      () => this.scheduleStatus(),
      () => {
        this.postStatus();
        this.postHistogram();
      },
    );
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
      this.session = await requireCapability(client, Capabilities.tail).startTail(this.options, {
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

  /** Closes the panel and resolves once its consumer stopped and removed its throwaway group. */
  async close(): Promise<void> {
    try {
      this.dispose();
    } finally {
      await this.sessionStopped;
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  /**
   * Replaces the filter bar's criteria and re-applies them, with the time selection, to what is
   * retained (done when this returns); an invalid filter is reported, not applied.
   */
  setFilter(spec: FilterSpec): void {
    this.filtering.takeBarSpec(spec);
    this.filtering.finish();
  }

  /** The histogram's brush: a time range combined with the other filters, or none (done when this returns). */
  setTimeRange(range: TimeRange | undefined): StoreCounts {
    this.filtering.setTimeRange(range);
    this.filtering.finish();
    return this.store.counts();
  }

  /** The time histogram of the filtered view, as the panel shows it. */
  histogram(): TimeHistogram {
    this.filtering.finish();
    return this.store.timeHistogram();
  }

  /** Scrolls the table to a partition's offset and selects it, or says why it cannot. */
  jumpTo(partition: number, offset: string, topic?: string): TailJump {
    this.filtering.finish();
    const jump = jumpIn(this.store, partition, offset, topic);
    this.post({ type: 'jumped', jump, total: this.store.counts().matched });
    if (jump.seq !== undefined) {
      this.select(jump.seq);
    }
    return jump;
  }

  /** "Open in editor" of the details pane. */
  async openInEditor(seq: number): Promise<OpenedMessage> {
    const message = this.store.get(seq);
    if (!message) {
      throw new Error('That message is no longer in the panel.');
    }
    return openMessageInEditor(message);
  }

  /** Pull mode: one page now. */
  async fetchNext(count: number): Promise<number> {
    return (await this.session?.fetchNext(count)) ?? 0;
  }

  /** Writes the filtered view to a file. */
  async exportTo(file: string, format: ExportFormat): Promise<number> {
    this.filtering.finish();
    await writeExport(file, this.store.filtered(), format);
    return this.store.counts().matched;
  }

  snapshot(): TailPanelSnapshot {
    this.filtering.finish();
    const messages: TailMessage[] = [];
    const selected = this.selectedSeq === undefined ? undefined : this.store.get(this.selectedSeq);
    for (const m of this.store.retained()) {
      const flags = { ...(m.keyEncoding === 'base64' ? { keyBinary: true } : {}), ...(m.valueEncoding === 'base64' ? { valueBinary: true } : {}) };
      messages.push({ topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp, timestampType: m.timestampType, key: m.key, value: m.value, headers: m.headers, size: m.size, ...flags });
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
      timeRange: this.filtering.timeRange,
      selected: selected && { seq: selected.seq, topic: selected.topic, partition: selected.partition, offset: selected.offset },
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
    clearTimeout(this.histogramTimer);
    this.filtering.dispose();
    clearInterval(this.pullTimer);
    clearInterval(this.lagTimer);
    const session = this.session;
    this.session = undefined;
    this.sessionStopped = session?.stop().catch((error: unknown) => this.log.warn(`Stopping tail failed: ${String(error)}`)) ?? Promise.resolve();
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }

  private info(): TailPanelInfo {
    return {
      clusterName: this.cluster.name,
      topics: this.session ? [...this.session.topics] : this.options.topics,
      fromBeginning: this.options.fromBeginning,
      maxMessages: this.settings.maxMessages,
      start: describeTailStart(this.options),
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
        this.selectedSeq = undefined;
        this.post({ type: 'cleared' });
        // A brushed range was of messages now gone; kept, it would hide every new one.
        this.filtering.setTimeRange(undefined);
        break;
      case 'rows':
        this.post({ type: 'rows', requestId: message.requestId, total: this.store.counts().matched, rows: this.store.page(message.start, Math.min(message.count, 500)) });
        break;
      case 'filter':
        this.filtering.takeBarSpec(message.spec); // applied in slices: the panel shows the progress
        break;
      case 'details':
        this.select(message.seq);
        break;
      case 'fetchNext':
        void this.fetchNext(message.count).catch((error: unknown) => this.setState(this.state, String(error)));
        break;
      case 'pullEvery':
        this.pullEverySeconds = message.seconds;
        this.schedulePulls();
        break;
      case 'export':
        void exportWithDialog(this.session?.topics ?? this.options.topics, message.format, (file) => this.exportTo(file, message.format));
        break;
      case 'trace':
        void this.traceConversation(message.seq).catch((error: unknown) => this.log.warn(`Trace from the tail failed: ${String(error)}`));
        break;
      case 'timeRange':
        this.filtering.setTimeRange(message.range ?? undefined);
        break;
      case 'jump':
        this.jumpTo(message.partition, message.offset, message.topic);
        break;
      case 'openInEditor':
        void this.openInEditor(message.seq).catch((error: unknown) => void vscode.window.showErrorMessage(`Open in editor failed: ${String(error)}`));
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
    return traceConversationOf(this.cluster.id, message, topics);
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

  /** Selects a message and shows its details (undefined once it has dropped). */
  private select(seq: number): void {
    const m = this.store.get(seq);
    this.selectedSeq = m ? seq : undefined;
    this.post({ type: 'details', details: m && detailsOf(m) });
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
    this.histogramTimer ??= setTimeout(() => this.postHistogram(), HISTOGRAM_INTERVAL_MS);
  }

  private scheduleStatus(): void {
    this.statusTimer ??= setTimeout(() => this.postStatus(), STATUS_INTERVAL_MS);
  }

  /** Sends the histogram now, if the view changed since the last one (at most one pass per call). */
  private postHistogram(): void {
    clearTimeout(this.histogramTimer);
    this.histogramTimer = undefined;
    if (!this.webviewReady || this.disposed || this.histogramVersion === this.store.version) {
      return;
    }
    this.histogramVersion = this.store.version;
    this.post({ type: 'histogram', histogram: this.store.timeHistogram() });
  }

  private postStatus(): void {
    clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    this.post({
      type: 'status',
      status: {
        counts: this.store.counts(),
        lag: this.lag?.total,
        filter: describeFilter(this.store.filter),
        filterError: this.filtering.error,
        timeRange: this.filtering.timeRange,
        filtering: this.store.filterProgress,
      },
    });
  }

  private postInit(): void {
    this.post({ type: 'init', info: this.info(), state: this.state, detail: this.detail });
    this.postStatus();
    this.histogramVersion = -1;
    this.postHistogram();
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

