import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BeanstalkdConnection, BeanstalkdReplyError, validateTubeName } from '../../src/brokers/beanstalkd/protocol';
import { BeanstalkdServer } from '../harness/beanstalkd';

/**
 * The beanstalkd protocol client against a real beanstalkd (Debian package) on a free port, with
 * the server's own stats as the independent check: bodies stay exact bytes, pipelined replies match
 * their commands, and the server's refusals arrive as its words.
 */
describe('beanstalkd protocol client against a real beanstalkd', function () {
  let server: BeanstalkdServer;
  const open: BeanstalkdConnection[] = [];

  before(async () => {
    server = await BeanstalkdServer.start({ maxJobSize: 1024 });
  });

  after(async () => {
    for (const c of open) {
      c.close();
    }
    await server?.stop();
  });

  async function connect(tube?: string): Promise<BeanstalkdConnection> {
    const c = await BeanstalkdConnection.connect({ host: '127.0.0.1', port: server.port });
    open.push(c);
    if (tube) {
      await c.use(tube);
      await c.watch(tube);
      await c.ignore('default');
    }
    return c;
  }

  const tubeName = (label: string) => `it-${label}-${randomUUID().slice(0, 8)}`;

  it('puts every byte value, CR LF included, and peeks and reserves them back exactly', async () => {
    const tube = tubeName('bytes');
    const c = await connect(tube);
    const body = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), 13, 10, 13, 10, 0]);
    const put = await c.put(body, { priority: 10, delaySeconds: 0, ttrSeconds: 30 });
    assert.equal(put.state, 'inserted');
    assert.deepEqual((await c.peek({ id: put.id }))!.body, body);
    assert.deepEqual((await c.peek('ready'))!.body, body);
    const reserved = await c.reserve(1);
    assert.equal(reserved!.id, put.id);
    assert.deepEqual(reserved!.body, body);
    const stats = await c.statsJob(put.id);
    assert.deepEqual([stats.tube, stats.state, stats.pri, stats.reserves], [tube, 'reserved', '10', '1']);
    await c.delete(put.id);
    assert.equal(await c.peek({ id: put.id }), undefined);
  });

  it('answers pipelined commands in order, and the server counts what was put', async () => {
    const tube = tubeName('pipeline');
    const c = await connect(tube);
    const puts = await Promise.all(Array.from({ length: 500 }, (_, i) => c.put(Buffer.from(`job ${i}`), { priority: 100, delaySeconds: 0, ttrSeconds: 60 })));
    const ids = puts.map((p) => Number(p.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids out of order');
    const tubeStats = await c.statsTube(tube);
    assert.equal(tubeStats['current-jobs-ready'], '500');
    assert.equal((await c.peek({ id: String(ids[123]) }))!.body.toString(), 'job 123');
  });

  it('buries, kicks, delays and pauses as the server reports in its stats', async () => {
    const tube = tubeName('states');
    const c = await connect(tube);
    const a = await c.put(Buffer.from('a'), { priority: 1, delaySeconds: 0, ttrSeconds: 60 });
    const delayed = await c.put(Buffer.from('later'), { priority: 1, delaySeconds: 3600, ttrSeconds: 60 });
    const job = await c.reserve(1);
    await c.bury(job!.id, 5);
    assert.equal((await c.peek('buried'))!.id, a.id);
    assert.equal((await c.peek('delayed'))!.id, delayed.id);
    let stats = await c.statsTube(tube);
    assert.deepEqual([stats['current-jobs-buried'], stats['current-jobs-delayed'], stats['current-jobs-ready']], ['1', '1', '0']);
    assert.equal(await c.kick(10), 1, 'kick moves buried jobs first');
    await c.kickJob(delayed.id);
    stats = await c.statsTube(tube);
    assert.deepEqual([stats['current-jobs-buried'], stats['current-jobs-delayed'], stats['current-jobs-ready']], ['0', '0', '2']);
    await c.pauseTube(tube, 60);
    assert.equal((await c.statsTube(tube))['pause'], '60');
    assert.ok((await c.listTubes()).includes(tube));
    assert.deepEqual(await c.listTubesWatched(), [tube]);
    const server = await c.stats();
    assert.match(server.version, /^\d+\.\d+/);
  });

  it('gives the server words for refusals: JOB_TOO_BIG, NOT_FOUND, NOT_IGNORED', async () => {
    const c = await connect(tubeName('refusals'));
    await assert.rejects(c.put(Buffer.alloc(2000), { priority: 0, delaySeconds: 0, ttrSeconds: 1 }), (e: BeanstalkdReplyError) => e.reply === 'JOB_TOO_BIG');
    await assert.rejects(c.delete('999999999'), (e: BeanstalkdReplyError) => e.reply === 'NOT_FOUND' && e.command === 'delete');
    const only = await connect();
    await assert.rejects(only.ignore('default'), (e: BeanstalkdReplyError) => e.reply === 'NOT_IGNORED');
    assert.equal(await c.reserve(0), undefined, 'an empty tube times out');
    // The connection still answers after refusals.
    assert.equal((await c.put(Buffer.from('ok'), { priority: 0, delaySeconds: 0, ttrSeconds: 1 })).state, 'inserted');
  });

  it('checks tube names by the server rules, and the server agrees', async () => {
    assert.equal(validateTubeName('orders.eu-1(a)$_+/;'), undefined);
    assert.match(validateTubeName('-x')!, /cannot start with "-"/);
    assert.match(validateTubeName('a b')!, /found space/);
    assert.match(validateTubeName('x'.repeat(201))!, /at most 200 bytes/);
    const c = await connect();
    await c.use('orders.eu-1(a)$_+/;');
    await assert.rejects(c.use('-x'), (e: BeanstalkdReplyError) => e.reply === 'BAD_FORMAT');
  });
});
