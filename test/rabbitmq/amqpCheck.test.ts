import * as assert from 'node:assert/strict';
import { type AmqpCheckOptions, checkAmqpConnection } from '../../src/brokers/rabbitmq/amqpCheck';
import { getFreePort } from '../harness/ports';
import { apiOk, unique } from './managementSupport';
import { sharedRabbitNode } from './sharedNode';

/**
 * The AMQP connection check of the coming Add Connection form, against the private RabbitMQ node:
 * a working connection says what the server is; every way of getting it wrong gets its own kind
 * and a sentence that names what to change.
 */
describe('AMQP connection check against a private RabbitMQ node', function () {
  async function options(overrides: Partial<AmqpCheckOptions> = {}): Promise<AmqpCheckOptions> {
    const node = await sharedRabbitNode();
    return { url: `amqp://127.0.0.1:${node.ports.amqp}`, vhost: '/', username: 'guest', password: 'guest', timeoutMs: 5_000, ...overrides };
  }

  it('connects and reports the product, its version and the cluster name', async () => {
    const node = await sharedRabbitNode();
    const result = await checkAmqpConnection(await options());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.product, 'RabbitMQ');
    const overview = (await (await node.api('/api/overview')).json()) as { rabbitmq_version: string; cluster_name: string };
    assert.equal(result.version, overview.rabbitmq_version);
    assert.equal(result.clusterName, overview.cluster_name);
  });

  it('tells a wrong password from a missing or forbidden virtual host', async () => {
    const node = await sharedRabbitNode();
    const wrong = await checkAmqpConnection(await options({ password: 'not-the-password' }));
    assert.deepEqual([wrong.ok, !wrong.ok && wrong.kind], [false, 'credentials']);
    assert.match(!wrong.ok ? wrong.message : '', /refused the user name or password of "guest" \(ACCESS_REFUSED\)/);

    const missing = await checkAmqpConnection(await options({ vhost: unique('no-such-vhost') }));
    assert.deepEqual([missing.ok, !missing.ok && missing.kind], [false, 'vhost']);

    // A user that exists but has no permission on an existing vhost.
    const vhost = unique('vh');
    const user = unique('user');
    await apiOk(node, 'PUT', `/api/vhosts/${encodeURIComponent(vhost)}`);
    await apiOk(node, 'PUT', `/api/users/${encodeURIComponent(user)}`, { password: 'pw', tags: '' });
    try {
      const forbidden = await checkAmqpConnection(await options({ vhost, username: user, password: 'pw' }));
      assert.deepEqual([forbidden.ok, !forbidden.ok && forbidden.kind], [false, 'vhost']);
      assert.match(!forbidden.ok ? forbidden.message : '', new RegExp(`"${vhost}" does not exist, or "${user}" has no permission on it`));
      await apiOk(node, 'PUT', `/api/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`, { configure: '.*', write: '.*', read: '.*' });
      assert.ok((await checkAmqpConnection(await options({ vhost, username: user, password: 'pw' }))).ok, 'the permission granted did not let the user in');
    } finally {
      await apiOk(node, 'DELETE', `/api/users/${encodeURIComponent(user)}`);
      await apiOk(node, 'DELETE', `/api/vhosts/${encodeURIComponent(vhost)}`);
    }
  });

  it('names refused, DNS, TLS on a plain listener, a non-AMQP port and a URL that is not AMQP', async () => {
    const node = await sharedRabbitNode();
    const kindOf = async (overrides: Partial<AmqpCheckOptions>): Promise<string> => {
      const result = await checkAmqpConnection(await options(overrides));
      return result.ok ? 'ok' : result.kind;
    };
    assert.equal(await kindOf({ url: `amqp://127.0.0.1:${await getFreePort()}` }), 'refused');
    assert.equal(await kindOf({ url: 'amqp://rabbit.invalid:5672' }), 'dns');
    assert.equal(await kindOf({ url: `amqps://127.0.0.1:${node.ports.amqp}` }), 'tls');
    assert.equal(await kindOf({ url: `amqp://127.0.0.1:${node.ports.management}`, timeoutMs: 1_500 }), 'timeout');
    assert.equal(await kindOf({ url: `http://127.0.0.1:${node.ports.amqp}` }), 'bad-url');
  });
});
