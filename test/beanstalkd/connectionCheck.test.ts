import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { parseBeanstalkdAddress } from '../../src/brokers/beanstalkd/address';
import { BeanstalkdAdmin } from '../../src/brokers/beanstalkd/admin';
import { checkBeanstalkdConnection } from '../../src/brokers/beanstalkd/connectionCheck';
import { BeanstalkdError, replyErrorFor } from '../../src/brokers/beanstalkd/errors';
import { BeanstalkdConnection, BeanstalkdReplyError } from '../../src/brokers/beanstalkd/protocol';
import { BeanstalkdServer } from '../harness/beanstalkd';
import { getFreePort } from '../harness/ports';
import { waitUntil } from '../harness/util';

/**
 * The Add Connection check and the worded errors, against a real beanstalkd, a closed port, and
 * small local TCP servers this file starts that answer like HTTP, send garbage, hang up or stay
 * silent. Draining is real: SIGUSR1 to the server.
 */
describe('beanstalkd connection check and worded errors', function () {
  let server: BeanstalkdServer;
  const closers: (() => void)[] = [];

  before(async () => {
    server = await BeanstalkdServer.start({ maxJobSize: 4096 });
  });

  after(async () => {
    for (const close of closers) {
      close();
    }
    await server?.stop();
  });

  /** A local TCP server that handles each connection with `onConnection`; returns its address. */
  async function fakeServer(onConnection: (socket: net.Socket) => void): Promise<string> {
    const sockets = new Set<net.Socket>();
    const fake = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      for (const s of sockets) {
        s.destroy();
      }
      fake.close();
    });
    return `127.0.0.1:${(fake.address() as net.AddressInfo).port}`;
  }

  it('reports the version and max-job-size of a real beanstalkd, as its own stats say', async () => {
    const check = await checkBeanstalkdConnection(server.address);
    const raw = await BeanstalkdConnection.connect({ host: '127.0.0.1', port: server.port });
    const stats = await raw.stats();
    raw.close();
    assert.deepEqual(check, { ok: true, version: stats.version, maxJobSize: 4096, draining: false });
  });

  it('says nothing listens on a closed port, naming the port', async () => {
    const port = await getFreePort();
    const check = await checkBeanstalkdConnection(`127.0.0.1:${port}`);
    assert.equal(check.ok, false);
    assert.ok(!check.ok && check.kind === 'refused');
    assert.match(check.message, new RegExp(`Nothing accepts connections on 127\\.0\\.0\\.1:${port}\\. Is beanstalkd running on that port`));
  });

  it('says an HTTP server is not beanstalkd, within the deadline', async () => {
    const web = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    closers.push(() => web.close());
    const address = `127.0.0.1:${(web.address() as net.AddressInfo).port}`;
    const started = Date.now();
    const check = await checkBeanstalkdConnection(address, 3000);
    assert.ok(Date.now() - started < 3000);
    assert.ok(!check.ok);
    assert.equal(check.kind, 'not-beanstalkd');
    assert.match(check.message, new RegExp(`^${address.replace(/\./g, '\\.')} is not a beanstalkd server: it answered like an HTTP server \\("HTTP/1\\.1 400 Bad Request"\\)`));
    await assert.rejects(BeanstalkdAdmin.connect(address), (e: BeanstalkdError) => e.kind === 'not-beanstalkd');
  });

  it('says the machine’s Redis (127.0.0.1:6379) is not beanstalkd', async function () {
    const redisUp = await new Promise<boolean>((resolve) => {
      const probe = net.connect({ host: '127.0.0.1', port: 6379 }, () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (!redisUp) {
      this.skip();
    }
    const check = await checkBeanstalkdConnection('127.0.0.1:6379', 3000);
    assert.ok(!check.ok);
    assert.equal(check.kind, 'not-beanstalkd');
    assert.match(check.message, /is not a beanstalkd server: it answered like a Redis server \("-(ERR|NOAUTH)/);
  });

  it('says a port that answers UNKNOWN_COMMAND, garbage without a line end, or hangs up is not beanstalkd', async () => {
    const unknown = await fakeServer((s) => s.once('data', () => s.write('UNKNOWN_COMMAND\r\n')));
    const garbage = await fakeServer((s) => s.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff])));
    const hangup = await fakeServer((s) => s.once('data', () => s.end()));
    const results = await Promise.all([unknown, garbage, hangup].map((a) => checkBeanstalkdConnection(a, 2000)));
    assert.deepEqual(
      results.map((r) => (r.ok ? 'ok' : r.kind)),
      ['not-beanstalkd', 'not-beanstalkd', 'not-beanstalkd'],
    );
    assert.match(results[0].ok ? '' : results[0].message, /it does not know the "stats" command/);
    assert.match(results[1].ok ? '' : results[1].message, /it answered "\?\?\?\?\?"/);
    assert.match(results[2].ok ? '' : results[2].message, /closed the connection without answering/);
  });

  it('gives up on a silent port when the deadline passes, and says so', async () => {
    const silent = await fakeServer(() => undefined);
    const started = Date.now();
    const check = await checkBeanstalkdConnection(silent, 700);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 600 && elapsed < 1500, `took ${elapsed} ms`);
    assert.ok(!check.ok);
    assert.equal(check.kind, 'timeout');
    assert.match(check.message, /accepted the connection but did not answer within 0\.\d s\. Is it a beanstalkd server/);
  });

  it('says a host name that does not resolve is a DNS problem', async () => {
    const check = await checkBeanstalkdConnection('no-such-host.invalid:11300', 8000);
    assert.ok(!check.ok);
    assert.equal(check.kind, 'dns');
    assert.match(check.message, /The host name "no-such-host\.invalid" could not be resolved/);
  });

  it('parses host:port with a default port of 11300, and words bad addresses', async () => {
    assert.deepEqual(parseBeanstalkdAddress(' queue.local '), { host: 'queue.local', port: 11300 });
    assert.deepEqual(parseBeanstalkdAddress('10.0.0.5:11301'), { host: '10.0.0.5', port: 11301 });
    assert.deepEqual(parseBeanstalkdAddress('::1'), { host: '::1', port: 11300 });
    assert.deepEqual(parseBeanstalkdAddress('[::1]:7000'), { host: '::1', port: 7000 });
    const wrong: [string, RegExp][] = [
      ['', /it is empty/],
      ['beanstalk://host:11300', /leave out the scheme/],
      ['host:0', /the port "0" is not a number from 1 to 65535/],
      ['host:65536', /the port "65536"/],
      ['host:abc', /the port "abc"/],
      [':11300', /the host is missing/],
      ['fe80::1:11300x', /needs brackets/],
      ['my host:1', /contains a space/],
    ];
    for (const [text, why] of wrong) {
      const check = await checkBeanstalkdConnection(text);
      assert.ok(!check.ok && check.kind === 'address', text);
      assert.match(check.message, why, text);
      assert.match(check.message, /Give host:port, for example localhost:11300\./);
    }
  });

  it('words the server’s EXPECTED_CRLF, BAD_FORMAT, OUT_OF_MEMORY and INTERNAL_ERROR', async () => {
    // Real replies: a put whose body is longer than its size, and numbers beanstalkd cannot read.
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.write('put 0 0 10 3\r\nabcXY\r\n');
    const crlfReply = await waitUntil(() => /\r\n/.test(text) && text.split('\r\n')[0], { timeoutMs: 5000, what: 'the reply to a malformed put' });
    socket.destroy();
    assert.equal(crlfReply, 'EXPECTED_CRLF');
    const context = { address: server.address };
    assert.equal(replyErrorFor(new BeanstalkdReplyError('put', crlfReply), context).kind, 'expected-crlf');
    assert.match(replyErrorFor(new BeanstalkdReplyError('put', crlfReply), context).message, /the body length sent did not match the bytes sent/);

    const raw = await BeanstalkdConnection.connect({ host: '127.0.0.1', port: server.port });
    const badFormat = await raw.kickJob('abc').then(
      () => undefined,
      (e: unknown) => e,
    );
    raw.close();
    assert.ok(badFormat instanceof BeanstalkdReplyError && badFormat.reply === 'BAD_FORMAT');
    const worded = replyErrorFor(badFormat, context);
    assert.deepEqual([worded.kind, worded.message], ['bad-format', "beanstalkd did not accept the kick-job command's arguments (BAD_FORMAT). Check the tube name, job id and numbers."]);

    // No test can make beanstalkd run out of memory; the words are checked alone.
    const oom = replyErrorFor(new BeanstalkdReplyError('put', 'OUT_OF_MEMORY'), context);
    assert.deepEqual([oom.kind, /is out of memory \(OUT_OF_MEMORY\) and refused put\. Free jobs/.test(oom.message)], ['server-error', true]);
    const internal = replyErrorFor(new BeanstalkdReplyError('stats', 'INTERNAL_ERROR'), context);
    assert.deepEqual([internal.kind, /internal error \(INTERNAL_ERROR\) on stats/.test(internal.message)], ['server-error', true]);
  });

  it('says a draining server (SIGUSR1) accepts no new jobs, and the check reports draining', async () => {
    const draining = await BeanstalkdServer.start();
    const admin = await BeanstalkdAdmin.connect(draining.address).catch(async (e: unknown) => {
      await draining.stop();
      throw e;
    });
    try {
      await drainAndPut(draining, admin);
    } finally {
      admin.close();
      await draining.stop();
    }
  });

  it('closes the connection when a command gets no answer in time, and says a stopped server is gone', async () => {
    const frozen = await BeanstalkdServer.start();
    try {
      const admin = await BeanstalkdAdmin.connect(frozen.address, { requestTimeoutMs: 400 });
      frozen.freeze();
      const started = Date.now();
      await assert.rejects(admin.tubes(), (e: BeanstalkdError) => {
        assert.equal(e.kind, 'timeout');
        assert.match(e.message, new RegExp(`beanstalkd at ${frozen.address.replace(/\./g, '\\.')} did not answer list-tubes within 0\\.4 s, so the connection was closed\\. Connect again\\.`));
        return true;
      });
      assert.ok(Date.now() - started < 1500);
      frozen.resume();
      await assert.rejects(admin.serverStats(), (e: BeanstalkdError) => e.kind === 'connection-lost' && /is closed\. Connect again\./.test(e.message), 'a late reply is never taken for the next command');

      const again = await BeanstalkdAdmin.connect(frozen.address);
      await frozen.stop();
      await assert.rejects(again.serverStats(), (e: BeanstalkdError) => e.kind === 'connection-lost' && /The connection to beanstalkd at .* was lost: the server stopped or closed it\. Connect again\./.test(e.message));
      again.close();
    } finally {
      await frozen.stop();
    }
  });

  async function drainAndPut(draining: BeanstalkdServer, admin: BeanstalkdAdmin): Promise<void> {
    assert.equal((await admin.put('drain-test', Buffer.from('before'), { priority: 0, delaySeconds: 0, ttrSeconds: 5 })).state, 'inserted');
    draining.startDraining();
    await waitUntil(async () => (await admin.serverStats()).draining, { timeoutMs: 5000, intervalMs: 20, what: 'beanstalkd to report draining' });
    await assert.rejects(admin.put('drain-test', Buffer.from('after'), { priority: 0, delaySeconds: 0, ttrSeconds: 5 }), (e: BeanstalkdError) => {
      assert.equal(e.kind, 'draining');
      assert.match(e.message, new RegExp(`beanstalkd at ${draining.address.replace(/\./g, '\\.')} is draining and accepts no new jobs`));
      return true;
    });
    assert.equal((await admin.tubeStats('drain-test')).currentJobs.ready, 1, 'jobs put before draining stay');
    const check = await checkBeanstalkdConnection(draining.address);
    assert.ok(check.ok && check.draining);
  }
});
