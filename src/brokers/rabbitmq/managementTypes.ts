/**
 * Typed shapes of the RabbitMQ management API's answers (checked against RabbitMQ 3.10), and the
 * parsers that turn its JSON into them: numbers stay numbers, absent statistics stay undefined
 * (never 0, which would claim an empty queue). Nothing here imports `vscode`.
 */

/** A JSON object as the API sends it. */
export type JsonObject = Record<string, unknown>;

export interface ManagementOverview {
  rabbitmqVersion: string;
  erlangVersion: string;
  /** The node that answered (rabbit@host). */
  node: string;
  clusterName: string;
  /** Totals over the cluster; undefined when the server has not collected them (stats disabled). */
  totals: {
    messages?: number;
    messagesReady?: number;
    messagesUnacknowledged?: number;
    connections?: number;
    channels?: number;
    queues?: number;
    exchanges?: number;
    consumers?: number;
  };
}

export interface ManagementNode {
  name: string;
  /** disc or ram. */
  type: string;
  running: boolean;
  uptimeMs?: number;
  memUsed?: number;
  memLimit?: number;
  memAlarm?: boolean;
  diskFree?: number;
  diskFreeLimit?: number;
  diskFreeAlarm?: boolean;
  fdUsed?: number;
  fdTotal?: number;
  socketsUsed?: number;
  socketsTotal?: number;
  procUsed?: number;
  procTotal?: number;
}

export interface ManagementVhost {
  name: string;
  description: string;
  tags: string[];
  /** Message counts over the vhost, when stats were collected. */
  messages?: number;
  messagesReady?: number;
  messagesUnacknowledged?: number;
}

export interface ManagementExchange {
  vhost: string;
  /** "" is the default exchange. */
  name: string;
  /** direct, fanout, topic, headers, or a plugin's type. */
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: JsonObject;
  /** The `alternate-exchange` argument, when set. */
  alternateExchange?: string;
}

export type QueueType = 'classic' | 'quorum' | 'stream';

/** The queue arguments the UI shows by name; all of them stay in `arguments` too. */
export interface QueueArguments {
  messageTtlMs?: number;
  maxLength?: number;
  deadLetterExchange?: string;
  deadLetterRoutingKey?: string;
  deliveryLimit?: number;
  queueType?: string;
}

/**
 * A queue as the management API last saw it.
 *
 * The counts and rates are the management plugin's statistics, not the queue's live state: they lag
 * by the node's collect_statistics_interval (5 s by default, plus sampling), and a queue declared a
 * moment ago has none yet (`statsAvailable` false, counts undefined). The API gives no timestamp for
 * a queue's statistics, so their age cannot be shown; `idleSince` is when the queue was last used,
 * not when its statistics were taken. Never treat a count read right after a publish as final.
 */
export interface ManagementQueue {
  vhost: string;
  name: string;
  /** classic, quorum or stream (see QueueType); another string if a plugin adds a type. */
  type: string;
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  /** The node holding the queue (the leader for quorum queues and streams). */
  node?: string;
  state?: string;
  arguments: JsonObject;
  known: QueueArguments;
  policy?: string;
  /** Whether the statistics below were collected yet. */
  statsAvailable: boolean;
  messages?: number;
  messagesReady?: number;
  messagesUnacknowledged?: number;
  consumers?: number;
  /** Messages per second published into the queue, when the server has a rate for it. */
  publishRate?: number;
  /** Messages per second delivered to consumers (deliver + get), when the server has a rate for it. */
  deliverRate?: number;
  /** When the queue was last idle-marked by the server, as the server wrote it (UTC, "YYYY-MM-DD HH:MM:SS"). */
  idleSince?: string;
}

/** One page of a paged list. */
export interface ManagementPage<T> {
  items: T[];
  /** 1-based. */
  page: number;
  pageSize: number;
  pageCount: number;
  /** All objects of the list, before the name filter. */
  totalCount: number;
  /** Objects matching the name filter. */
  filteredCount: number;
}

export interface ManagementBinding {
  vhost: string;
  /** The exchange the binding starts from ("" is the default exchange). */
  source: string;
  destination: string;
  /** queue or exchange. */
  destinationType: string;
  routingKey: string;
  arguments: JsonObject;
  /** The key that names this binding in /api/bindings/... paths. */
  propertiesKey: string;
}

export interface ManagementConnection {
  name: string;
  vhost?: string;
  user?: string;
  node?: string;
  state?: string;
  protocol?: string;
  peerHost?: string;
  peerPort?: number;
  channels?: number;
  /** Client-provided connection name, when the client set one. */
  clientName?: string;
  connectedAt?: number;
}

export interface ManagementChannel {
  name: string;
  vhost?: string;
  user?: string;
  node?: string;
  number?: number;
  connectionName?: string;
  state?: string;
  consumers?: number;
  prefetchCount?: number;
  messagesUnacknowledged?: number;
  confirm?: boolean;
  transactional?: boolean;
}

export interface ManagementDefinitions {
  /** The answer exactly as the server sent it (for export to a file). */
  raw: string;
  parsed: JsonObject;
}

// ---- parsing helpers ----

export function asObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function rate(stats: JsonObject, key: string): number | undefined {
  return num(asObject(stats[`${key}_details`]).rate);
}

export function parseOverview(json: unknown): ManagementOverview {
  const o = asObject(json);
  const objects = asObject(o.object_totals);
  const queues = asObject(o.queue_totals);
  return {
    rabbitmqVersion: str(o.rabbitmq_version) ?? str(o.product_version) ?? 'unknown',
    erlangVersion: str(o.erlang_version) ?? 'unknown',
    node: str(o.node) ?? 'unknown',
    clusterName: str(o.cluster_name) ?? '',
    totals: {
      messages: num(queues.messages),
      messagesReady: num(queues.messages_ready),
      messagesUnacknowledged: num(queues.messages_unacknowledged),
      connections: num(objects.connections),
      channels: num(objects.channels),
      queues: num(objects.queues),
      exchanges: num(objects.exchanges),
      consumers: num(objects.consumers),
    },
  };
}

export function parseNode(json: unknown): ManagementNode {
  const n = asObject(json);
  return {
    name: str(n.name) ?? '',
    type: str(n.type) ?? '',
    running: n.running === true,
    uptimeMs: num(n.uptime),
    memUsed: num(n.mem_used),
    memLimit: num(n.mem_limit),
    memAlarm: bool(n.mem_alarm),
    diskFree: num(n.disk_free),
    diskFreeLimit: num(n.disk_free_limit),
    diskFreeAlarm: bool(n.disk_free_alarm),
    fdUsed: num(n.fd_used),
    fdTotal: num(n.fd_total),
    socketsUsed: num(n.sockets_used),
    socketsTotal: num(n.sockets_total),
    procUsed: num(n.proc_used),
    procTotal: num(n.proc_total),
  };
}

export function parseVhost(json: unknown): ManagementVhost {
  const v = asObject(json);
  const tags = Array.isArray(v.tags) ? v.tags.filter((t): t is string => typeof t === 'string') : [];
  return {
    name: str(v.name) ?? '',
    description: str(v.description) ?? str(asObject(v.metadata).description) ?? '',
    tags,
    messages: num(v.messages),
    messagesReady: num(v.messages_ready),
    messagesUnacknowledged: num(v.messages_unacknowledged),
  };
}

export function parseExchange(json: unknown): ManagementExchange {
  const e = asObject(json);
  const args = asObject(e.arguments);
  return {
    vhost: str(e.vhost) ?? '',
    name: str(e.name) ?? '',
    type: str(e.type) ?? '',
    durable: e.durable === true,
    autoDelete: e.auto_delete === true,
    internal: e.internal === true,
    arguments: args,
    alternateExchange: str(args['alternate-exchange']),
  };
}

export function parseQueue(json: unknown): ManagementQueue {
  const q = asObject(json);
  const args = asObject(q.arguments);
  const stats = asObject(q.message_stats);
  const deliver = rate(stats, 'deliver_get') ?? rate(stats, 'deliver');
  const messages = num(q.messages);
  return {
    vhost: str(q.vhost) ?? '',
    name: str(q.name) ?? '',
    type: str(q.type) ?? str(args['x-queue-type']) ?? 'classic',
    durable: q.durable === true,
    autoDelete: q.auto_delete === true,
    exclusive: q.exclusive === true,
    node: str(q.node) ?? str(q.leader),
    state: str(q.state),
    arguments: args,
    known: {
      messageTtlMs: num(args['x-message-ttl']),
      maxLength: num(args['x-max-length']),
      deadLetterExchange: str(args['x-dead-letter-exchange']),
      deadLetterRoutingKey: str(args['x-dead-letter-routing-key']),
      deliveryLimit: num(args['x-delivery-limit']),
      queueType: str(args['x-queue-type']),
    },
    policy: str(q.policy),
    statsAvailable: messages !== undefined,
    messages,
    messagesReady: num(q.messages_ready),
    messagesUnacknowledged: num(q.messages_unacknowledged),
    consumers: num(q.consumers),
    publishRate: rate(stats, 'publish'),
    deliverRate: deliver,
    idleSince: str(q.idle_since),
  };
}

export function parseBinding(json: unknown): ManagementBinding {
  const b = asObject(json);
  return {
    vhost: str(b.vhost) ?? '',
    source: str(b.source) ?? '',
    destination: str(b.destination) ?? '',
    destinationType: str(b.destination_type) ?? '',
    routingKey: str(b.routing_key) ?? '',
    arguments: asObject(b.arguments),
    propertiesKey: str(b.properties_key) ?? '',
  };
}

export function parseConnection(json: unknown): ManagementConnection {
  const c = asObject(json);
  const client = asObject(c.client_properties);
  return {
    name: str(c.name) ?? '',
    vhost: str(c.vhost),
    user: str(c.user),
    node: str(c.node),
    state: str(c.state),
    protocol: str(c.protocol),
    peerHost: str(c.peer_host),
    peerPort: num(c.peer_port),
    channels: num(c.channels),
    clientName: str(client.connection_name) ?? str(c.user_provided_name),
    connectedAt: num(c.connected_at),
  };
}

export function parseChannel(json: unknown): ManagementChannel {
  const c = asObject(json);
  return {
    name: str(c.name) ?? '',
    vhost: str(c.vhost),
    user: str(c.user),
    node: str(c.node),
    number: num(c.number),
    connectionName: str(asObject(c.connection_details).name),
    state: str(c.state),
    consumers: num(c.consumer_count),
    prefetchCount: num(c.prefetch_count),
    messagesUnacknowledged: num(c.messages_unacknowledged),
    confirm: bool(c.confirm),
    transactional: bool(c.transactional),
  };
}
