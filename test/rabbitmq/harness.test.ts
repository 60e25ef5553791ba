import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { RabbitNode } from '../harness/rabbitNode';
import { waitUntil } from '../harness/util';
import { sharedRabbitNode } from './sharedNode';

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function listeners(port: number): Promise<string> {
  return (await run('ss', ['-ltnH', `sport = :${port}`])).stdout;
}

/**
 * The private RabbitMQ node the RabbitMQ tests use, checked with independent clients: Debian's
 * amqp-tools publish and get, and the management API counts. It listens on loopback only, with the
 * management and stream plugins, and leaves nothing behind when stopped.
 */
describe('RabbitMQ test harness: a private node from the Debian package', function () {
  it('serves AMQP, the management API and streams on 127.0.0.1 only', async () => {
    const node = await sharedRabbitNode();
    for (const port of [node.ports.amqp, node.ports.management, node.ports.stream]) {
      const shown = await listeners(port);
      assert.match(shown, new RegExp(`127\\.0\\.0\\.1:${port}`), `port ${port} is not listening on 127.0.0.1`);
      assert.doesNotMatch(shown, /(\*|0\.0\.0\.0|\[::\]):\d+/, `port ${port} listens beyond loopback`);
    }
    const overview = (await (await node.api('/api/overview')).json()) as { node: string; listeners: { protocol: string; port: number }[] };
    assert.equal(overview.node, node.nodeName);
    assert.deepEqual(
      overview.listeners.map((l) => `${l.protocol}:${l.port}`).sort(),
      [`amqp:${node.ports.amqp}`, `http:${node.ports.management}`, `stream:${node.ports.stream}`, `clustering:${node.ports.dist}`].sort(),
    );
  });

  it('takes a message from amqp-publish that amqp-get reads back and the management API counts', async () => {
    const node = await sharedRabbitNode();
    const queue = `it-harness-${randomUUID().slice(0, 8)}`;
    const declared = await run('amqp-declare-queue', ['--url', node.amqpUrl, '-q', queue]);
    assert.equal(declared.code, 0, declared.stderr);
    const published = await run('amqp-publish', ['--url', node.amqpUrl, '-r', queue, '-b', 'hello from amqp-tools']);
    assert.equal(published.code, 0, published.stderr);
    await waitUntil(
      async () => ((await (await node.api(`/api/queues/%2F/${queue}`)).json()) as { messages?: number }).messages === 1,
      { timeoutMs: 15_000, what: 'the management API to count the message' },
    );
    const got = await run('amqp-get', ['--url', node.amqpUrl, '-q', queue]);
    assert.equal(got.stdout, 'hello from amqp-tools');
  });

  it('stops a node with its private epmd and data, and leaves the system node alone', async function () {
    this.timeout(180_000);
    const systemBefore = await listeners(5672);
    const node = await RabbitNode.start();
    const { epmd, amqp } = node.ports;
    assert.notEqual(amqp, 5672);
    await node.stop();
    assert.equal(await listeners(epmd), '', 'the private epmd still runs');
    assert.equal(await listeners(amqp), '', 'the node still listens');
    assert.ok(!fs.existsSync(node.dir), 'the data directory is left behind');
    assert.equal(await listeners(5672), systemBefore, 'the system node on 5672 changed');
  });
});
