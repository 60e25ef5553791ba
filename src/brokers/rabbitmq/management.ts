/**
 * A typed, read-only client for the RabbitMQ management HTTP API (the rabbitmq_management plugin,
 * usually on port 15672): overview, nodes, vhosts, exchanges, queues (paged), bindings,
 * connections, channels and the definitions export. Every failure is a ManagementApiError with a
 * `kind` and a sentence a user can act on. Vhost and object names are percent-encoded in paths, so
 * the default vhost "/" is sent as %2F. Nothing here imports `vscode`.
 */
import { ManagementApiError, notJsonError, statusError } from './errors';
import { httpGet } from './http';
import {
  type ManagementBinding,
  type ManagementChannel,
  type ManagementConnection,
  type ManagementDefinitions,
  type ManagementExchange,
  type ManagementNode,
  type ManagementOverview,
  type ManagementPage,
  type ManagementQueue,
  type ManagementVhost,
  asObject,
  parseBinding,
  parseChannel,
  parseConnection,
  parseExchange,
  parseNode,
  parseOverview,
  parseQueue,
  parseVhost,
} from './managementTypes';

export * from './managementTypes';
export { ManagementApiError, type ManagementErrorKind } from './errors';

export interface ManagementClientOptions {
  /** The management base URL, e.g. http://localhost:15672 or https://host/rabbitmq/ behind a proxy. */
  url: string;
  user: string;
  password: string;
  /** Per request, covering connect, TLS and the whole answer (default 10 s). */
  timeoutMs?: number;
  tls?: {
    /** PEM contents of the CA certificate(s) to trust for https (instead of the system's). */
    ca?: string;
    /** Accept any certificate: test servers only. */
    skipVerification?: boolean;
  };
}

export interface QueuePageQuery {
  /** 1-based (default 1). */
  page?: number;
  /** Default 100; the server caps it at 500. */
  pageSize?: number;
  /** Only queues whose name contains this text (or matches it as a regular expression with `useRegex`). */
  name?: string;
  useRegex?: boolean;
}

/** Percent-encodes one path segment: "/" becomes %2F, so the default vhost is addressed correctly. */
export function pathSegment(name: string): string {
  return encodeURIComponent(name);
}

export class ManagementClient {
  private readonly base: URL;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ManagementClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new ManagementApiError('bad-url', `"${options.url}" is not a URL: write it as http://host:15672 or https://host:15671.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ManagementApiError('bad-url', `The management URL must start with http:// or https:// (not ${base.protocol}//): the management API is HTTP, usually on port 15672.`);
    }
    if (!base.pathname.endsWith('/')) {
      base.pathname = `${base.pathname}/`;
    }
    base.search = '';
    base.hash = '';
    this.base = base;
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Versions, names and cluster-wide totals. */
  async overview(): Promise<ManagementOverview> {
    return parseOverview(await this.getJson('api/overview', 'the overview'));
  }

  async nodes(): Promise<ManagementNode[]> {
    return this.list('api/nodes', 'the node list', undefined, parseNode);
  }

  /** The vhosts this user may see. */
  async vhosts(): Promise<ManagementVhost[]> {
    return this.list('api/vhosts', 'the vhost list', undefined, parseVhost);
  }

  async exchanges(vhost: string): Promise<ManagementExchange[]> {
    return this.list(`api/exchanges/${pathSegment(vhost)}`, `the exchanges of vhost "${vhost}"`, vhost, parseExchange);
  }

  /** One page of a vhost's queues (see ManagementQueue on how fresh its statistics are). */
  async queuesPage(vhost: string, query: QueuePageQuery = {}): Promise<ManagementPage<ManagementQueue>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 100;
    const params = new URLSearchParams({
      page: String(page),
      page_size: String(pageSize),
      name: query.name ?? '',
      use_regex: query.useRegex === true ? 'true' : 'false',
    });
    const path = `api/queues/${pathSegment(vhost)}?${params.toString()}`;
    const json = asObject(await this.getJson(path, `page ${page} of the queues of vhost "${vhost}"`, vhost));
    if (!Array.isArray(json.items)) {
      throw new ManagementApiError('not-json', `The queue list of vhost "${vhost}" came without its "items": is this a RabbitMQ management API (3.6 or later)?`);
    }
    const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
    return {
      items: json.items.map(parseQueue),
      page: count(json.page) || page,
      pageSize: count(json.page_size) || pageSize,
      pageCount: count(json.page_count),
      totalCount: count(json.total_count),
      filteredCount: count(json.filtered_count),
    };
  }

  /**
   * Every page of a vhost's queues, one request per page. Queues created or deleted while paging
   * shift the pages (one may then be seen twice or not at all); when the list shrinks below the
   * page being asked for, the iteration ends instead of failing.
   */
  async *queuePages(vhost: string, query: Omit<QueuePageQuery, 'page'> = {}): AsyncGenerator<ManagementPage<ManagementQueue>> {
    for (let page = 1; ; page++) {
      let current: ManagementPage<ManagementQueue>;
      try {
        current = await this.queuesPage(vhost, { ...query, page });
      } catch (error) {
        if (page > 1 && error instanceof ManagementApiError && error.status === 400 && /page_out_of_range|out of range/i.test(error.message)) {
          return;
        }
        throw error;
      }
      yield current;
      if (page >= current.pageCount) {
        return;
      }
    }
  }

  async bindings(vhost: string): Promise<ManagementBinding[]> {
    return this.list(`api/bindings/${pathSegment(vhost)}`, `the bindings of vhost "${vhost}"`, vhost, parseBinding);
  }

  /** Open connections (all vhosts, or one). Read-only. */
  async connections(vhost?: string): Promise<ManagementConnection[]> {
    const path = vhost === undefined ? 'api/connections' : `api/vhosts/${pathSegment(vhost)}/connections`;
    return this.list(path, 'the connection list', vhost, parseConnection);
  }

  /** Open channels (all vhosts, or one). Read-only. */
  async channels(vhost?: string): Promise<ManagementChannel[]> {
    const path = vhost === undefined ? 'api/channels' : `api/vhosts/${pathSegment(vhost)}/channels`;
    return this.list(path, 'the channel list', vhost, parseChannel);
  }

  /** A vhost's definitions (exchanges, queues, bindings, policies), as sent and parsed. Needs the administrator tag. */
  async definitions(vhost: string): Promise<ManagementDefinitions> {
    const { raw, parsed } = await this.get(`api/definitions/${pathSegment(vhost)}`, `the definitions of vhost "${vhost}"`, vhost);
    const object = asObject(parsed);
    if (object !== parsed) {
      throw notJsonError(this.urlOf(`api/definitions/${pathSegment(vhost)}`).toString(), 'a JSON value that is not an object', raw);
    }
    return { raw, parsed: object };
  }

  private async list<T>(path: string, what: string, vhost: string | undefined, parse: (item: unknown) => T): Promise<T[]> {
    const json = await this.getJson(path, what, vhost);
    if (!Array.isArray(json)) {
      throw notJsonError(this.urlOf(path).toString(), 'JSON that is not a list', JSON.stringify(json));
    }
    return json.map(parse);
  }

  private async getJson(path: string, what: string, vhost?: string): Promise<unknown> {
    return (await this.get(path, what, vhost)).parsed;
  }

  private async get(path: string, what: string, vhost: string | undefined): Promise<{ raw: string; parsed: unknown }> {
    const url = this.urlOf(path);
    const answer = await httpGet({
      url,
      authorization: this.authorization,
      timeoutMs: this.timeoutMs,
      ca: this.options.tls?.ca,
      insecure: this.options.tls?.skipVerification,
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw statusError(answer.status, answer.body, what, vhost);
    }
    if (!/\bjson\b/i.test(answer.contentType ?? '')) {
      throw notJsonError(url.toString(), answer.contentType, answer.body);
    }
    try {
      return { raw: answer.body, parsed: JSON.parse(answer.body) as unknown };
    } catch {
      throw notJsonError(url.toString(), answer.contentType, answer.body);
    }
  }

  private urlOf(path: string): URL {
    // Relative to the base keeps a proxy prefix (https://host/rabbitmq/ + api/...).
    return new URL(path, this.base);
  }
}
