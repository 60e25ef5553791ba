import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { ManagementClient, type ManagementQueue } from '../../src/brokers/rabbitmq/management';
import { getFreePort } from '../harness/ports';
import type { RabbitNode } from '../harness/rabbitNode';
import { waitUntil } from '../harness/util';
import { apiOk, clientFor, failure, inParallel, run, startConsumer, stopProcess, unique } from './managementSupport';
import { sharedRabbitNode } from './sharedNode';

const enc = encodeURIComponent;

/**
 * The RabbitMQ management API client (src/brokers/rabbitmq/management.ts) against the private node:
 * objects are declared with the node's own API (as guest, through node.api) or Debian's amqp-tools,
 * then read back through the client.
 */
describe('RabbitMQ management API client', function () {
  let node: RabbitNode;
  const cleanup: (() => Promise<void>)[] = [];

  before(async () => {
    node = await sharedRabbitNode();
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) {
      await step().catch(() => undefined);
    }
  });

  async function vhost(name: string): Promise<string> {
    await apiOk(node, 'PUT', `/api/vhosts/${enc(name)}`, {});
    cleanup.push(() => apiOk(node, 'DELETE', `/api/vhosts/${enc(name)}`));
    return name;
  }

  async function queue(vhostName: string, name: string, args: Record<string, unknown>): Promise<void> {
    await apiOk(node, 'PUT', `/api/queues/${enc(vhostName)}/${enc(name)}`, { durable: true, auto_delete: false, arguments: args });
    cleanup.push(() => apiOk(node, 'DELETE', `/api/queues/${enc(vhostName)}/${enc(name)}`));
  }

  async function exchange(vhostName: string, name: string, body: Record<string, unknown>): Promise<void> {
    await apiOk(node, 'PUT', `/api/exchanges/${enc(vhostName)}/${enc(name)}`, body);
    cleanup.push(() => apiOk(node, 'DELETE', `/api/exchanges/${enc(vhostName)}/${enc(name)}`));
  }

  async function onlyQueue(client: ManagementClient, vhostName: string, name: string): Promise<ManagementQueue> {
    const page = await client.queuesPage(vhostName, { name: `^${name}$`, useRegex: true });
    assert.equal(page.items.length, 1, `queue ${name} not listed exactly once`);
    return page.items[0];
  }

  it('reads the overview and nodes as the node reports them', async () => {
    const raw = (await (await node.api('/api/overview')).json()) as { rabbitmq_version: string; erlang_version: string; cluster_name: string; object_totals: { exchanges: number } };
    // A fresh node has no queue totals until a queue exists and a statistics round counted it.
    await queue('/', unique('it-overview'), {});
    const overview = await waitUntil(
      async () => {
        const o = await clientFor(node).overview();
        return o.totals.messages !== undefined ? o : undefined;
      },
      { timeoutMs: 20_000, what: 'the overview\'s queue totals' },
    );
    assert.equal(overview.node, node.nodeName);
    assert.match(overview.rabbitmqVersion, /^\d+\.\d+\.\d+/);
    assert.equal(overview.rabbitmqVersion, raw.rabbitmq_version);
    assert.equal(overview.erlangVersion, raw.erlang_version);
    assert.equal(overview.clusterName, raw.cluster_name);
    assert.equal(overview.totals.exchanges, raw.object_totals.exchanges);
    for (const key of ['messages', 'messagesReady', 'messagesUnacknowledged', 'connections', 'channels', 'queues', 'exchanges', 'consumers'] as const) {
      assert.equal(typeof overview.totals[key], 'number', `totals.${key}`);
    }
    const nodes = await clientFor(node).nodes();
    assert.deepEqual(nodes.map((n) => n.name), [node.nodeName]);
    assert.equal(nodes[0].running, true);
    assert.ok((nodes[0].memUsed ?? 0) > 0 && (nodes[0].fdTotal ?? 0) > 0, JSON.stringify(nodes[0]));
  });

  it('lists vhosts, and exchanges with type, flags and alternate-exchange in "/" and in a vhost named with a slash', async () => {
    const other = await vhost(unique('mqx/slash'));
    const names = (await clientFor(node).vhosts()).map((v) => v.name);
    assert.ok(names.includes('/') && names.includes(other), names.join(', '));
    for (const v of ['/', other]) {
      const ae = unique('it-ae');
      const topic = unique('it-topic');
      const internal = unique('it-internal');
      await exchange(v, ae, { type: 'fanout', durable: true });
      await exchange(v, topic, { type: 'topic', durable: false, auto_delete: true, arguments: { 'alternate-exchange': ae } });
      await exchange(v, internal, { type: 'headers', durable: true, internal: true });
      const listed = await clientFor(node).exchanges(v);
      const byName = new Map(listed.map((e) => [e.name, e]));
      assert.deepEqual(byName.get(topic), {
        vhost: v, name: topic, type: 'topic', durable: false, autoDelete: true, internal: false,
        arguments: { 'alternate-exchange': ae }, alternateExchange: ae,
      });
      assert.equal(byName.get(ae)?.type, 'fanout');
      assert.equal(byName.get(internal)?.internal, true);
      assert.equal(byName.get(internal)?.type, 'headers');
      assert.ok(listed.every((e) => e.vhost === v), `exchanges of another vhost listed for ${v}`);
    }
  });

  it('lists classic, quorum and stream queues with their arguments, and bindings', async () => {
    const client = clientFor(node);
    const classic = unique('it-classic');
    const quorum = unique('it-quorum');
    const stream = unique('it-stream');
    const dlx = unique('it-dlx');
    await exchange('/', dlx, { type: 'direct', durable: true });
    await queue('/', classic, { 'x-message-ttl': 60000, 'x-max-length': 1000, 'x-dead-letter-exchange': dlx, 'x-dead-letter-routing-key': 'dead' });
    await queue('/', quorum, { 'x-queue-type': 'quorum', 'x-delivery-limit': 5, 'x-dead-letter-exchange': dlx });
    await queue('/', stream, { 'x-queue-type': 'stream', 'x-max-length-bytes': 1_000_000 });
    const c = await onlyQueue(client, '/', classic);
    assert.equal(c.type, 'classic');
    assert.deepEqual(c.known, { messageTtlMs: 60000, maxLength: 1000, deadLetterExchange: dlx, deadLetterRoutingKey: 'dead', deliveryLimit: undefined, queueType: undefined });
    assert.equal(c.durable, true);
    const q = await onlyQueue(client, '/', quorum);
    assert.equal(q.type, 'quorum');
    assert.equal(q.known.deliveryLimit, 5);
    assert.equal(q.known.queueType, 'quorum');
    assert.equal(q.node, node.nodeName);
    const s = await onlyQueue(client, '/', stream);
    assert.equal(s.type, 'stream');
    assert.equal(s.arguments['x-max-length-bytes'], 1_000_000);

    const topic = unique('it-bind-topic');
    await exchange('/', topic, { type: 'topic', durable: true });
    await apiOk(node, 'POST', `/api/bindings/%2F/e/${enc(topic)}/q/${enc(classic)}`, { routing_key: 'orders.*', arguments: { 'x-note': 'a' } });
    await apiOk(node, 'POST', `/api/bindings/%2F/e/${enc(topic)}/e/${enc(dlx)}`, { routing_key: 'dead.#', arguments: {} });
    const bindings = (await client.bindings('/')).filter((b) => b.source === topic);
    const shown = bindings.map((b) => ({ ...b, propertiesKey: '' })).sort((a, b) => a.destination.localeCompare(b.destination));
    const expected = [
      { vhost: '/', source: topic, destination: classic, destinationType: 'queue', routingKey: 'orders.*', arguments: { 'x-note': 'a' }, propertiesKey: '' },
      { vhost: '/', source: topic, destination: dlx, destinationType: 'exchange', routingKey: 'dead.#', arguments: {}, propertiesKey: '' },
    ].sort((a, b) => a.destination.localeCompare(b.destination));
    assert.deepEqual(shown, expected);
    assert.ok(bindings.every((b) => b.propertiesKey.length > 0));
  });

  it('counts N messages published by amqp-publish once the statistics catch up', async () => {
    const client = clientFor(node);
    const name = unique('it-count');
    await queue('/', name, {});
    const n = 37;
    const lines = Array.from({ length: n }, (_, i) => `message ${i}`).join('\n') + '\n';
    const published = await run('amqp-publish', ['--url', node.amqpUrl, '-r', name, '-l'], lines);
    assert.equal(published.code, 0, published.stderr);
    const counted = await waitUntil(
      async () => {
        const q = await onlyQueue(client, '/', name);
        return q.messages === n && q.messagesReady === n ? q : undefined;
      },
      { timeoutMs: 20_000, what: `the client to count ${n} messages` },
    );
    assert.equal(counted.statsAvailable, true);
    assert.equal(counted.messagesUnacknowledged, 0);
    assert.equal(counted.consumers, 0);
    assert.equal(typeof counted.publishRate, 'number');
    const overview = await client.overview();
    assert.ok((overview.totals.messages ?? 0) >= n, `overview counts ${overview.totals.messages} messages`);
  });

  it('pages through 260 queues with page_size 100, every name exactly once, and filters by name', async function () {
    this.timeout(180_000);
    const v = await vhost(unique('mqx-pages'));
    const names = Array.from({ length: 260 }, (_, i) => `q-${String(i).padStart(3, '0')}`);
    await inParallel(names, 8, (name) => apiOk(node, 'PUT', `/api/queues/${enc(v)}/${name}`, { durable: false, auto_delete: false }));
    const client = clientFor(node);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    for await (const page of client.queuePages(v, { pageSize: 100 })) {
      assert.equal(page.totalCount, 260);
      assert.equal(page.pageCount, 3);
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((q) => q.name));
    }
    assert.deepEqual(pageSizes, [100, 100, 60]);
    assert.equal(new Set(seen).size, seen.length, 'a queue was listed twice');
    assert.deepEqual([...seen].sort(), names);
    const filtered = await client.queuesPage(v, { name: '^q-01\\d$', useRegex: true, pageSize: 100 });
    assert.equal(filtered.filteredCount, 10);
    assert.equal(filtered.totalCount, 260);
    assert.deepEqual(filtered.items.map((q) => q.name).sort(), names.slice(10, 20));
    const empty = await vhost(unique('mqx-empty'));
    const pages = [];
    for await (const page of client.queuePages(empty)) {
      pages.push(page);
    }
    assert.deepEqual(pages.map((p) => [p.items.length, p.totalCount]), [[0, 0]]);
  });

  it('lists connections and channels of an amqp-consume client', async () => {
    const name = unique('it-consumer');
    await queue('/', name, {});
    const consumer = startConsumer(node, name, 7);
    cleanup.push(() => stopProcess(consumer));
    const client = clientFor(node);
    const channel = await waitUntil(
      async () => (await client.channels()).find((c) => c.consumers === 1 && c.prefetchCount === 7),
      { timeoutMs: 20_000, what: 'the consumer channel to be listed' },
    );
    assert.equal(channel.vhost, '/');
    assert.equal(channel.user, 'guest');
    // The connection's channel count is a statistic too: wait for it.
    const connection = await waitUntil(
      async () => (await client.connections('/')).find((c) => c.name === channel.connectionName && c.channels === 1),
      { timeoutMs: 20_000, what: `connection ${channel.connectionName} with one channel` },
    );
    assert.equal(connection.user, 'guest');
    assert.equal(connection.peerHost, '127.0.0.1');
    assert.equal(typeof connection.peerPort, 'number');
    assert.equal(connection.protocol?.startsWith('AMQP'), true, connection.protocol);
  });

  it('exports a vhost\'s definitions as the exact text and parsed', async () => {
    const v = await vhost(unique('mqx/defs'));
    const name = unique('it-def');
    await queue(v, name, { 'x-queue-type': 'quorum' });
    const expected = await (await node.api(`/api/definitions/${enc(v)}`)).text();
    const defs = await clientFor(node).definitions(v);
    assert.equal(defs.raw, expected);
    const queues = defs.parsed.queues as { name: string; arguments: Record<string, unknown> }[];
    assert.deepEqual(queues.map((q) => [q.name, q.arguments['x-queue-type']]), [[name, 'quorum']]);
  });

  it('says when the user name or password is refused, and when a vhost is missing or not allowed', async () => {
    const v = await vhost(unique('mqx-private'));
    const user = unique('it-user');
    await apiOk(node, 'PUT', `/api/users/${user}`, { password: 'secret-1', tags: 'management' });
    cleanup.push(() => apiOk(node, 'DELETE', `/api/users/${user}`));
    await apiOk(node, 'PUT', `/api/permissions/%2F/${user}`, { configure: '.*', write: '.*', read: '.*' });
    const allowed = clientFor(node, { user, password: 'secret-1' });
    assert.ok((await allowed.queuesPage('/')).totalCount >= 0);

    const wrong = await failure(clientFor(node, { user, password: 'wrong' }).overview());
    assert.equal(wrong.kind, 'unauthorized');
    assert.equal(wrong.status, 401);
    assert.match(wrong.message, /the management API refused the user name or password/i);

    for (const call of [() => allowed.exchanges(v), () => allowed.queuesPage(v), () => allowed.bindings(v)]) {
      const denied = await failure(call());
      assert.equal(denied.kind, 'vhost-not-allowed', denied.message);
      assert.match(denied.message, new RegExp(`vhost "${v}" does not exist or this user has no permission on it`));
    }
    const missing = `${v}-missing`;
    for (const call of [() => clientFor(node).exchanges(missing), () => clientFor(node).definitions(missing)]) {
      const gone = await failure(call());
      assert.equal(gone.kind, 'vhost-not-allowed', gone.message);
      assert.match(gone.message, /does not exist or this user has no permission/);
    }
  });

  it('tells a closed port, an unknown host, a timeout, TLS to a plain port and a non-JSON answer apart', async () => {
    const closed = await getFreePort();
    const refused = await failure(new ManagementClient({ url: `http://127.0.0.1:${closed}`, user: 'guest', password: 'guest' }).overview());
    assert.equal(refused.kind, 'refused');
    assert.match(refused.message, new RegExp(`Nothing accepts connections at 127\\.0\\.0\\.1:${closed}`));

    const dns = await failure(new ManagementClient({ url: 'http://mq-explorer-test.invalid:15672', user: 'g', password: 'g' }).overview());
    assert.equal(dns.kind, 'dns');
    assert.match(dns.message, /"mq-explorer-test\.invalid" could not be resolved/);

    const tls = await failure(clientFor(node, { url: node.managementUrl.replace('http:', 'https:') }).overview());
    assert.equal(tls.kind, 'tls', tls.message);
    assert.match(tls.message, /that this port serves https/);

    const silent = net.createServer(() => undefined);
    const page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to the proxy</html>'));
    try {
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
      const silentPort = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const slow = await failure(new ManagementClient({ url: `http://127.0.0.1:${silentPort}`, user: 'g', password: 'g', timeoutMs: 400 }).vhosts());
      assert.equal(slow.kind, 'timeout');
      assert.ok(Date.now() - started < 5_000);
      assert.match(slow.message, /did not answer within 0\.4 s/);
      const pagePort = (page.address() as net.AddressInfo).port;
      const html = await failure(new ManagementClient({ url: `http://127.0.0.1:${pagePort}/`, user: 'g', password: 'g' }).overview());
      assert.equal(html.kind, 'not-json');
      assert.match(html.message, /is not JSON \(text\/html, starting "<html>Sign in to the proxy/);
    } finally {
      silent.close();
      page.close();
      page.closeAllConnections();
    }

    assert.throws(() => new ManagementClient({ url: 'amqp://localhost:5672', user: 'g', password: 'g' }), { name: 'ManagementApiError', message: /must start with http:\/\/ or https:\/\// });
  });
});
