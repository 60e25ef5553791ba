import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { type BrokerClient, type ClusterDefinition, type ClusterSecrets, describeSasl, type Logger } from '../core/brokerClient';
import { requireCapability } from '../core/brokerCapabilities';
import type { BrokerKindDefinition, BrokerKindRegistry } from '../core/brokerKind';
import type { Capability } from '../core/capabilities';
import type { ClusterDescription } from '../core/clusterModel';
import { DisposableStore } from '../core/lifecycle';
import { parseBootstrapServers } from './bootstrap';
import { type ClusterExport, type ClusterInput, normalizeSasl } from './clusterInput';
import { readOnlyClient, writeRefusal } from './readOnlyClient';


/** A cluster as the UI lists it: where it is defined decides whether the user can remove it here. */
export interface ClusterEntry extends ClusterDefinition {
  source: 'user' | 'settings';
}

const STORAGE_KEY = 'mqExplorer.clusters.v1';
const SETTINGS_KEY = 'mqExplorer.clusters';

/** Shape of one entry in the `mqExplorer.clusters` setting. */
interface SettingsCluster {
  name?: unknown;
  bootstrapServers?: unknown;
  readOnly?: unknown;
}

/**
 * The one place every feature gets clusters and clients from. Keeps cluster definitions
 * (globalState for ones added in the UI, settings for declared ones) and their secrets
 * (SecretStorage only: never settings, globalState or logs), hands out one reused client per
 * cluster, and closes them all on dispose.
 */
export class ConnectionService extends DisposableStore {
  private readonly clients = new Map<string, BrokerClient>();
  /** Clients being closed: closeAll() waits for these too, whoever started closing them. */
  private readonly closing = new Set<Promise<void>>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when clusters are added, removed, or their definitions change. */
  readonly onDidChangeClusters = this.changed.event;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly secretStorage: vscode.SecretStorage,
    private readonly logger: Logger,
    /** The registered broker kinds: each builds the clients of its connections. */
    readonly kinds: BrokerKindRegistry,
    /** Upper bound for a single broker call, read when a client is built. */
    private readonly requestTimeoutMs: () => number,
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
   * Validates and stores a new cluster, its secrets in SecretStorage. Throws an Error whose
   * message tells the user what to fix.
   */
  async addCluster(input: ClusterInput, secrets: ClusterSecrets = {}): Promise<ClusterEntry> {
    const entry = this.toEntry(randomUUID(), input);
    await this.storeSecrets(entry.id, secrets);
    await this.memento.update(STORAGE_KEY, [...this.userClusters(), entry]);
    this.logger.info(`Added cluster "${entry.name}" (${describeDefinition(entry)})`);
    this.changed.fire();
    return entry;
  }

  /**
   * Replaces a UI-added cluster's definition; `secrets` replaces the stored ones when given
   * (a field set to undefined is deleted), otherwise they are kept. The old client is closed.
   */
  async updateCluster(id: string, input: ClusterInput, secrets?: ClusterSecrets): Promise<ClusterEntry> {
    const existing = this.getCluster(id);
    if (!existing) {
      throw new Error('That cluster no longer exists.');
    }
    if (existing.source === 'settings') {
      throw new Error(`"${existing.name}" is declared in the setting ${SETTINGS_KEY}; edit it there.`);
    }
    const entry = this.toEntry(id, input);
    if (secrets) {
      await this.storeSecrets(id, secrets);
    }
    await this.memento.update(
      STORAGE_KEY,
      this.userClusters().map((c) => (c.id === id ? entry : c)),
    );
    await this.closeClient(id);
    this.logger.info(`Updated cluster "${entry.name}" (${describeDefinition(entry)})`);
    this.changed.fire();
    return entry;
  }

  /** Turns read-only mode of a UI-added cluster on or off (its client is replaced). */
  async setReadOnly(id: string, readOnly: boolean): Promise<ClusterEntry> {
    const cluster = this.getCluster(id);
    if (!cluster) {
      throw new Error('That cluster no longer exists.');
    }
    if (cluster.source === 'settings') {
      throw new Error(`"${cluster.name}" is declared in the setting ${SETTINGS_KEY}; set "readOnly" there.`);
    }
    const updated: ClusterEntry = { ...cluster, readOnly: readOnly || undefined };
    if (!readOnly) {
      delete updated.readOnly;
    }
    await this.memento.update(
      STORAGE_KEY,
      this.userClusters().map((c) => (c.id === id ? updated : c)),
    );
    await this.closeClient(id);
    this.logger.info(`Cluster "${cluster.name}" is ${readOnly ? 'now read-only' : 'writable again'}`);
    this.changed.fire();
    return updated;
  }

  /**
   * Connects with a throwaway client (never the shared one) and describes the cluster. With
   * `storedOf`, secrets not given are taken from that cluster's stored ones (Edit keeps a password).
   */
  async testConnection(input: ClusterInput, secrets: ClusterSecrets, storedOf?: string): Promise<ClusterDescription> {
    const effective = storedOf ? { ...(await this.readSecrets(storedOf)), ...definedOnly(secrets) } : secrets;
    const probe = this.createClient(this.toEntry('connection-test', input, false), () => Promise.resolve(effective));
    try {
      return await probe.describeCluster();
    } finally {
      await probe.dispose();
    }
  }

  /** Whether a password / key passphrase is stored, without revealing it. */
  async hasSecret(id: string, name: keyof ClusterSecrets): Promise<boolean> {
    return (await this.secretStorage.get(secretKey(id, name))) !== undefined;
  }

  /** Every UI-added and declared cluster, portable, without secrets. */
  exportClusters(): ClusterExport {
    return {
      format: 'mq-explorer.clusters',
      version: 1,
      clusters: this.listClusters().map((c) => ({
        name: c.name,
        bootstrapServers: c.bootstrapServers.join(','),
        ...(c.clientId ? { clientId: c.clientId } : {}),
        ...(c.sasl ? { sasl: { ...c.sasl } } : {}),
        ...(c.tls ? { tls: { ...c.tls } } : {}),
        ...(c.readOnly ? { readOnly: true } : {}),
      })),
    };
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
    await this.storeSecrets(id, { password: undefined, keyPassphrase: undefined });
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
    const created = this.createClient(cluster, () => this.readSecrets(id));
    const client = cluster.readOnly ? readOnlyClient(created, cluster) : created;
    this.clients.set(id, client);
    return client;
  }

  /**
   * A capability of a cluster's client, for a call to `member`: refused up front (before the user
   * is asked anything) when the cluster is read-only and the declaration marks that call a write,
   * and an actionable error when the cluster's kind does not have it. The capability returned is
   * the guarded one, so a later call to another write is refused too.
   */
  capabilityFor<T extends object>(id: string, capability: Capability<T>, member: NoInfer<keyof T>, args: readonly unknown[] = []): T {
    const client = this.getClient(id);
    const refusal = writeRefusal(client.definition, capability, member, args);
    if (refusal) {
      throw refusal;
    }
    return requireCapability(client, capability);
  }

  /** The kind of a cluster (its name rules, produce rules…). */
  kindOf(id: string): BrokerKindDefinition {
    const cluster = this.getCluster(id);
    if (!cluster) {
      throw new Error('That cluster no longer exists.');
    }
    return this.kinds.get(cluster.kind);
  }

  private createClient(definition: ClusterDefinition, secrets: () => Promise<ClusterSecrets>): BrokerClient {
    return this.kinds.createClient(definition, { logger: this.logger, requestTimeoutMs: this.requestTimeoutMs(), secrets });
  }

  /** Closes every client; awaited on deactivate so no connection outlives the window. */
  /**
   * Closes every client and resolves when they, and any closed earlier that are still closing,
   * are done (deactivation awaits this while the disposables have already started closing).
   */
  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    for (const client of clients) {
      void this.trackClosing(client);
    }
    await Promise.allSettled([...this.closing]);
  }

  override dispose(): void {
    void this.closeAll();
    super.dispose();
  }

  private async closeClient(id: string): Promise<void> {
    const client = this.clients.get(id);
    this.clients.delete(id);
    if (client) {
      await this.trackClosing(client);
    }
  }

  private trackClosing(client: BrokerClient): Promise<void> {
    const closing = client.dispose();
    this.closing.add(closing);
    void closing.catch(() => undefined).finally(() => this.closing.delete(closing));
    return closing;
  }

  /** A settings edit may change a declared cluster's servers: its old client must not be reused. */
  private dropStaleClients(): void {
    // A change of servers or of read-only mode must not keep the old client.
    const current = new Map(this.listClusters().map((c) => [c.id, `${c.bootstrapServers.join(',')}${c.readOnly ? ':ro' : ''}`]));
    for (const [id, client] of this.clients) {
      const { bootstrapServers, readOnly } = client.definition;
      if (current.get(id) !== `${bootstrapServers.join(',')}${readOnly ? ':ro' : ''}`) {
        void this.closeClient(id);
      }
    }
  }

  private toEntry(id: string, input: ClusterInput, checkName = true): ClusterEntry {
    const name = input.name.trim();
    if (!name) {
      throw new Error('A cluster needs a name.');
    }
    if (checkName && this.listClusters().some((cluster) => cluster.name === name && cluster.id !== id)) {
      throw new Error(`A cluster named "${name}" already exists. Choose another name or remove the old one.`);
    }
    const parsed = parseBootstrapServers(input.bootstrapServers);
    if ('error' in parsed) {
      throw new Error(parsed.error);
    }
    return {
      id,
      name,
      kind: 'kafka',
      bootstrapServers: parsed.servers,
      ...(input.clientId?.trim() ? { clientId: input.clientId.trim() } : {}),
      ...(input.sasl ? { sasl: normalizeSasl(input.sasl) } : {}),
      ...(input.tls ? { tls: { ...input.tls } } : {}),
      ...(input.readOnly ? { readOnly: true } : {}),
      source: 'user',
    };
  }

  private async storeSecrets(id: string, secrets: ClusterSecrets): Promise<void> {
    for (const name of ['password', 'keyPassphrase'] as const) {
      if (!(name in secrets)) {
        continue;
      }
      const value = secrets[name];
      if (value === undefined) {
        await this.secretStorage.delete(secretKey(id, name));
      } else {
        await this.secretStorage.store(secretKey(id, name), value);
      }
    }
  }

  private async readSecrets(id: string): Promise<ClusterSecrets> {
    const [password, keyPassphrase] = await Promise.all([
      this.secretStorage.get(secretKey(id, 'password')),
      this.secretStorage.get(secretKey(id, 'keyPassphrase')),
    ]);
    return { password, keyPassphrase };
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
        ...(item.readOnly === true ? { readOnly: true } : {}),
        source: 'settings',
      });
    }
    return entries;
  }
}

function secretKey(clusterId: string, name: keyof ClusterSecrets): string {
  return `mqExplorer.cluster.${clusterId}.${name}`;
}

/** What the log may say about a cluster: servers and security settings, never a secret. */
function describeDefinition(entry: ClusterDefinition): string {
  const parts = [entry.bootstrapServers.join(', ')];
  if (entry.sasl) {
    parts.push(describeSasl(entry.sasl));
  }
  if (entry.tls) {
    parts.push(entry.tls.skipVerify ? 'TLS without verification' : entry.tls.certFile ? 'mutual TLS' : 'TLS');
  }
  return parts.join('; ');
}

function definedOnly(secrets: ClusterSecrets): ClusterSecrets {
  return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined));
}
