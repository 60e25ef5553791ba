import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { Capabilities } from '../../core/brokerCapabilities';
import type { BrokerClient, Logger } from '../../core/brokerClient';
import { DisposableStore } from '../../core/lifecycle';
import { type HeaderConvention } from '../../conversations/conventions';
import { RequestReplyCorrelator } from '../../conversations/correlator';
import { ResponderEngine, type ResponderOptions, type ResponderStats } from '../../conversations/responder';
import type { ConnectionService } from '../../connections/connectionService';
import { CONVERSATION_SCHEME, ConversationDocuments } from './conversationDocuments';

/** A running responder as the tree, the status bar and tests see it. */
export interface ResponderInfo {
  id: string;
  clusterId: string;
  clusterName: string;
  requestTopic: string;
  groupId?: string;
  state: string;
  stats: ResponderStats;
  /** Why it failed or the last request it could not answer, if any. */
  lastError?: string;
}

interface RunningResponder {
  id: string;
  clusterId: string;
  clusterName: string;
  engine: ResponderEngine;
}

/** Reply consumers close after this long without a request, so no group lingers while idle. */
const CORRELATOR_IDLE_MS = 120_000;

interface PooledCorrelator {
  correlator: RequestReplyCorrelator;
  client: BrokerClient;
  idle?: NodeJS.Timeout;
}

/**
 * State the conversation commands share: running responders (status bar, Responders view), one
 * request/reply channel per cluster and reply topic, and the read-only result documents.
 */
export class ConversationFeature extends DisposableStore {
  readonly documents = new ConversationDocuments();
  private readonly responders = new Map<string, RunningResponder>();
  private readonly correlators = new Map<string, PooledCorrelator>();
  private readonly status = this._register(vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 49));
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a responder starts, stops or answers (debounced). */
  readonly onDidChange = this.changed.event;
  private changeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connections: ConnectionService,
    private readonly logger: Logger,
    stopCommand: string,
  ) {
    super();
    this.status.command = stopCommand;
    this._register(vscode.workspace.registerTextDocumentContentProvider(CONVERSATION_SCHEME, this.documents));
    // A removed cluster's client is closed: its responders and channels go with it.
    this._register(connections.onDidChangeClusters(() => void this.dropRemovedClusters()));
    this._register({ dispose: () => void this.stopAll() });
  }

  list(): ResponderInfo[] {
    return [...this.responders.values()].map((r) => ({
      id: r.id,
      clusterId: r.clusterId,
      clusterName: r.clusterName,
      requestTopic: r.engine.options.requestTopic,
      groupId: r.engine.groupId,
      state: r.engine.state,
      stats: { ...r.engine.stats },
      lastError: r.engine.stats.lastError,
    }));
  }

  async startResponder(clusterId: string, options: ResponderOptions): Promise<ResponderInfo> {
    const cluster = this.connections.getCluster(clusterId);
    if (!cluster) {
      throw new Error('That cluster no longer exists.');
    }
    const id = randomUUID();
    let reported = false;
    const engine = new ResponderEngine(this.connections.capabilityFor(clusterId, Capabilities.conversations, 'send'), options, this.logger, () => {
      if (engine.state === 'failed' && !reported) {
        reported = true;
        this.reportFailure(cluster.name, options.requestTopic, engine.stats.lastError);
      }
      this.fireSoon();
    });
    await engine.start();
    this.responders.set(id, { id, clusterId, clusterName: cluster.name, engine });
    this.logger.info(`Responder on "${options.requestTopic}" of ${cluster.name} started (group ${engine.groupId ?? '?'})`);
    this.update();
    return this.list().find((r) => r.id === id)!;
  }

  async stopResponder(id: string): Promise<void> {
    const running = this.responders.get(id);
    if (!running) {
      return;
    }
    this.responders.delete(id);
    await running.engine.stop();
    this.logger.info(`Responder on "${running.engine.options.requestTopic}" of ${running.clusterName} stopped`);
    this.update();
  }

  /** Stops every responder and reply channel; awaited by deactivate so no group is left behind. */
  async stopAll(): Promise<void> {
    const channels = [...this.correlators.values()];
    this.correlators.clear();
    await Promise.allSettled([
      ...[...this.responders.keys()].map((id) => this.stopResponder(id)),
      ...channels.map((p) => {
        clearTimeout(p.idle);
        return p.correlator.stop();
      }),
    ]);
  }

  /** The one request/reply channel for a cluster, reply topic and header convention. */
  correlator(clusterId: string, replyTopic: string, convention: HeaderConvention): RequestReplyCorrelator {
    // Sending a request is a write: a read-only cluster refuses it here, before anything is sent.
    const transport = this.connections.capabilityFor(clusterId, Capabilities.conversations, 'send');
    const client = this.connections.getClient(clusterId);
    const key = JSON.stringify([clusterId, replyTopic, convention.correlationHeader]);
    let pooled = this.correlators.get(key);
    if (!pooled || pooled.client !== client) {
      pooled = { correlator: new RequestReplyCorrelator(transport, replyTopic, convention, this.logger), client };
      this.correlators.set(key, pooled);
    }
    clearTimeout(pooled.idle);
    return pooled.correlator;
  }

  /** Called when a request settled: closes the channel once it has been idle for a while. */
  release(clusterId: string, replyTopic: string, convention: HeaderConvention): void {
    const key = JSON.stringify([clusterId, replyTopic, convention.correlationHeader]);
    const pooled = this.correlators.get(key);
    if (!pooled || pooled.correlator.inFlight > 0) {
      return;
    }
    clearTimeout(pooled.idle);
    pooled.idle = setTimeout(() => {
      if (this.correlators.get(key) === pooled && pooled.correlator.inFlight === 0) {
        this.correlators.delete(key);
        void pooled.correlator.stop();
      }
    }, CORRELATOR_IDLE_MS);
  }

  private async dropRemovedClusters(): Promise<void> {
    const known = new Set(this.connections.listClusters().map((c) => c.id));
    await Promise.allSettled([...this.responders.values()].filter((r) => !known.has(r.clusterId)).map((r) => this.stopResponder(r.id)));
  }

  /** A failed responder answers nothing more: say so at once, and keep it listed as failed. */
  private reportFailure(clusterName: string, topic: string, why: string | undefined): void {
    const text = `The responder on "${topic}" (${clusterName}) failed and answers no more requests: ${why ?? 'its consumer stopped'}. Stop it and start it again.`;
    this.logger.error(text);
    this.update();
    void vscode.window.showErrorMessage(text, 'Show Responders').then((choice) => {
      if (choice === 'Show Responders') {
        void vscode.commands.executeCommand('mqExplorer.responders.focus');
      }
    });
  }

  private fireSoon(): void {
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = undefined;
      this.update();
    }, 250);
  }

  private update(): void {
    const count = this.responders.size;
    if (count === 0) {
      this.status.hide();
    } else {
      const replied = [...this.responders.values()].reduce((sum, r) => sum + r.engine.stats.replied, 0);
      const failed = [...this.responders.values()].filter((r) => r.engine.state === 'failed').length;
      this.status.text = `$(radio-tower) ${count} responder${count === 1 ? '' : 's'}${failed > 0 ? `, ${failed} failed` : ''}`;
      this.status.tooltip = `${count - failed} responder${count - failed === 1 ? '' : 's'} running${failed > 0 ? `, ${failed} failed (see the Responders view)` : ''}, ${replied} repl${replied === 1 ? 'y' : 'ies'} sent. Click to stop.`;
      this.status.backgroundColor = failed > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      this.status.show();
    }
    this.changed.fire();
  }
}
