import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { BrokerClient, ClusterDefinition, Logger } from '../core/brokerClient';
import { DisposableStore } from '../core/lifecycle';
import { parseBootstrapServers } from './bootstrap';

/** Builds the client for one cluster; the extension passes the Kafka one, tests may pass another broker kind. */
export type BrokerClientFactory = (definition: ClusterDefinition, logger: Logger) => BrokerClient;

/** A cluster as the UI lists it: where it is defined decides whether the user can remove it here. */
export interface ClusterEntry extends ClusterDefinition {
  source: 'user' | 'settings';
}

export interface NewCluster {
  name: string;
  bootstrapServers: string;
}

const STORAGE_KEY = 'mqExplorer.clusters.v1';
const SETTINGS_KEY = 'mqExplorer.clusters';

/** Shape of one entry in the `mqExplorer.clusters` setting. */
interface SettingsCluster {
  name?: unknown;
  bootstrapServers?: unknown;
}

/**
 * The one place every feature gets clusters and clients from. Keeps cluster definitions
 * (globalState for ones added in the UI, settings for declared ones), hands out one reused
 * client per cluster, and closes them all on dispose.
 */
export class ConnectionService extends DisposableStore {
  private readonly clients = new Map<string, BrokerClient>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when clusters are added, removed, or their definitions change. */
  readonly onDidChangeClusters = this.changed.event;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly logger: Logger,
    private readonly createClient: BrokerClientFactory,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS_KEY)) {
          this.dropStaleClients();
          this.changed.fire();
        }
      }),
    );
  }

  /** Every known cluster, settings-declared first, each group sorted by name. */
  listClusters(): ClusterEntry[] {
    const byName = (a: ClusterEntry, b: ClusterEntry) => a.name.localeCompare(b.name);
    return [...this.settingsClusters().sort(byName), ...this.userClusters().sort(byName)];
  }

  getCluster(id: string): ClusterEntry | undefined {
    return this.listClusters().find((cluster) => cluster.id === id);
  }

  /**
   * Validates and stores a new cluster. Throws an Error whose message tells the user what to fix.
   */
  async addCluster(input: NewCluster): Promise<ClusterEntry> {
    const name = input.name.trim();
    if (!name) {
      throw new Error('A cluster needs a name.');
    }
    if (this.listClusters().some((cluster) => cluster.name === name)) {
      throw new Error(`A cluster named "${name}" already exists. Choose another name or remove the old one.`);
    }
    const parsed = parseBootstrapServers(input.bootstrapServers);
    if ('error' in parsed) {
      throw new Error(parsed.error);
    }
    const entry: ClusterEntry = {
      id: randomUUID(),
      name,
      kind: 'kafka',
      bootstrapServers: parsed.servers,
      source: 'user',
    };
    await this.memento.update(STORAGE_KEY, [...this.userClusters(), entry]);
    this.logger.info(`Added cluster "${name}" (${parsed.servers.join(', ')})`);
    this.changed.fire();
    return entry;
  }

  /** Removes a cluster added in the UI and closes its client. Settings-declared ones are edited in settings. */
  async removeCluster(id: string): Promise<void> {
    const cluster = this.getCluster(id);
    if (!cluster) {
      throw new Error('That cluster no longer exists.');
    }
    if (cluster.source === 'settings') {
      throw new Error(`"${cluster.name}" is declared in the setting ${SETTINGS_KEY}; remove it there.`);
    }
    await this.memento.update(
      STORAGE_KEY,
      this.userClusters().filter((c) => c.id !== id),
    );
    await this.closeClient(id);
    this.logger.info(`Removed cluster "${cluster.name}"`);
    this.changed.fire();
  }

  /** The shared client for a cluster, created on first use. */
  getClient(id: string): BrokerClient {
    const existing = this.clients.get(id);
    if (existing) {
      return existing;
    }
    const cluster = this.getCluster(id);
    if (!cluster) {
      throw new Error('That cluster no longer exists.');
    }
    const client = this.createClient(cluster, this.logger);
    this.clients.set(id, client);
    return client;
  }

  /** Closes every client; awaited on deactivate so no connection outlives the window. */
  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((client) => client.dispose()));
  }

  override dispose(): void {
    void this.closeAll();
    super.dispose();
  }

  private async closeClient(id: string): Promise<void> {
    const client = this.clients.get(id);
    this.clients.delete(id);
    await client?.dispose();
  }

  /** A settings edit may change a declared cluster's servers: its old client must not be reused. */
  private dropStaleClients(): void {
    const current = new Map(this.listClusters().map((c) => [c.id, c.bootstrapServers.join(',')]));
    for (const [id, client] of this.clients) {
      if (current.get(id) !== client.definition.bootstrapServers.join(',')) {
        void this.closeClient(id);
      }
    }
  }

  private userClusters(): ClusterEntry[] {
    return this.memento.get<ClusterEntry[]>(STORAGE_KEY, []).map((c) => ({ ...c, source: 'user' as const }));
  }

  private settingsClusters(): ClusterEntry[] {
    const declared = vscode.workspace.getConfiguration().get<SettingsCluster[]>(SETTINGS_KEY, []);
    const entries: ClusterEntry[] = [];
    for (const item of Array.isArray(declared) ? declared : []) {
      if (typeof item?.name !== 'string' || typeof item.bootstrapServers !== 'string') {
        this.logger.warn(`Ignoring an entry of ${SETTINGS_KEY}: it needs "name" and "bootstrapServers" strings.`);
        continue;
      }
      const parsed = parseBootstrapServers(item.bootstrapServers);
      if ('error' in parsed) {
        this.logger.warn(`Ignoring cluster "${item.name}" in ${SETTINGS_KEY}: ${parsed.error}`);
        continue;
      }
      entries.push({
        id: `settings:${item.name}`,
        name: item.name,
        kind: 'kafka',
        bootstrapServers: parsed.servers,
        source: 'settings',
      });
    }
    return entries;
  }
}
