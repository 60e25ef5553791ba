import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BeanstalkdAdmin } from '../../src/brokers/beanstalkd/admin';
import { BeanstalkdError } from '../../src/brokers/beanstalkd/errors';
import { BeanstalkdConnection } from '../../src/brokers/beanstalkd/protocol';
import { BeanstalkdServer } from '../harness/beanstalkd';

/**
 * BeanstalkdAdmin against a real beanstalkd (Debian package) on a free port. Every number it
 * reports is compared with the server's own raw `stats`, `stats-tube` and `stats-job`, read through
 * a separate protocol connection.
 */
describe('beanstalkd admin client against a real beanstalkd', function () {
  let server: BeanstalkdServer;
  let admin: BeanstalkdAdmin;
  let raw: BeanstalkdConnection;
  const open: BeanstalkdConnection[] = [];

  before(async () => {
    server = await BeanstalkdServer.start({ maxJobSize: 2048 });
    admin = await BeanstalkdAdmin.connect(server.address);
    raw = await worker();
  });

  after(async () => {
    admin?.close();
    for (const c of open) {
      c.close();
    }
    await server?.stop();
  });

  async function worker(tube?: string): Promise<BeanstalkdConnection> {
    const c = await BeanstalkdConnection.connect({ host: '127.0.0.1', port: server.port });
    open.push(c);
    if (tube) {
      await c.watch(tube);
      await c.ignore('default');
    }
    return c;
  }

  const tubeName = (label: string) => `adm-${label}-${randomUUID().slice(0, 8)}`;
  const put = (tube: string, body: string | Buffer, priority = 100, delaySeconds = 0, ttrSeconds = 60) =>
    admin.put(tube, typeof body === 'string' ? Buffer.from(body) : body, { priority, delaySeconds, ttrSeconds });

  it('reports server stats as numbers equal to the server’s own stats', async () => {
    const tube = tubeName('server');
    await put(tube, 'one');
    await put(tube, 'two', 5);
    await put(tube, 'three', 100, 3600);
    const mine = await admin.serverStats();
    const theirs = await raw.stats();
    assert.equal(mine.version, theirs.version);
    assert.equal(mine.pid, server.pid);
    assert.equal(mine.pid, Number(theirs.pid));
    assert.equal(mine.maxJobSize, 2048);
    assert.equal(admin.maxJobSize, 2048);
    assert.equal(mine.draining, false);
    assert.ok(Math.abs(mine.uptimeSeconds - Number(theirs.uptime)) <= 1);
    const pairs: [number, string][] = [
      [mine.totalJobs, 'total-jobs'],
      [mine.currentJobs.ready, 'current-jobs-ready'],
      [mine.currentJobs.urgent, 'current-jobs-urgent'],
      [mine.currentJobs.delayed, 'current-jobs-delayed'],
      [mine.currentJobs.buried, 'current-jobs-buried'],
      [mine.currentJobs.reserved, 'current-jobs-reserved'],
      [mine.currentConnections, 'current-connections'],
      [mine.currentProducers, 'current-producers'],
      [mine.currentWorkers, 'current-workers'],
      [mine.currentWaiting, 'current-waiting'],
      [mine.currentTubes, 'current-tubes'],
      [mine.commandTotals['put'], 'cmd-put'],
      [mine.commandTotals['peek-ready'], 'cmd-peek-ready'],
    ];
    for (const [value, key] of pairs) {
      assert.equal(value, Number(theirs[key]), key);
    }
    assert.ok(mine.totalJobs >= 3 && mine.currentJobs.delayed >= 1 && mine.currentJobs.urgent >= 1);
    assert.equal(mine.currentConnections, 3, 'the admin client holds two connections, the raw check one');
  });

  it('lists tubes with their stats, equal to stats-tube, and filters them by substring or glob', async () => {
    const id = randomUUID().slice(0, 8);
    const alpha = `adm-Filter-${id}-alpha`;
    const beta = `adm-filter-${id}-beta`;
    await put(alpha, 'ready urgent', 3);
    await put(alpha, 'ready', 2000);
    await put(alpha, 'later', 2000, 3600);
    await put(alpha, 'to bury', 2000);
    await put(alpha, 'to hold', 2000);
    await put(beta, 'b');
    const w = await worker(alpha);
    const bury = await w.reserve(1);
    await w.bury(bury!.id, 2000);
    await w.reserve(1); // held reserved
    await admin.pauseTube(beta, 120);

    const all = await admin.tubes();
    assert.ok(all.some((t) => t.name === 'default'));
    assert.deepEqual(all.map((t) => t.name), [...all.map((t) => t.name)].sort());
    assert.deepEqual((await admin.tubes(id)).map((t) => t.name), [alpha, beta]);
    assert.deepEqual((await admin.tubes(`adm-filter-${id}-*`)).map((t) => t.name), [alpha, beta], 'globs ignore case');
    assert.deepEqual((await admin.tubes(`*-${id}-b?ta`)).map((t) => t.name), [beta]);
    assert.deepEqual((await admin.tubes(`${id}-al*`)).map((t) => t.name), [], 'a glob matches the whole name');
    assert.deepEqual((await admin.tubes(`ALPHA`)).filter((t) => t.name.includes(id)).map((t) => t.name), [alpha]);

    for (const name of [alpha, beta]) {
      const mine = (await admin.tubes(name)).find((t) => t.name === name)!;
      assert.deepEqual(mine, await admin.tubeStats(name));
      const theirs = await raw.statsTube(name);
      assert.deepEqual(
        [
          mine.currentJobs.ready,
          mine.currentJobs.urgent,
          mine.currentJobs.delayed,
          mine.currentJobs.reserved,
          mine.currentJobs.buried,
          mine.totalJobs,
          mine.currentUsing,
          mine.currentWatching,
          mine.currentWaiting,
          mine.pauseSeconds,
          mine.cmdDelete,
          mine.cmdPauseTube,
        ],
        ['ready', 'urgent', 'delayed', 'reserved', 'buried'].map((s) => Number(theirs[`current-jobs-${s}`])).concat(
          ['total-jobs', 'current-using', 'current-watching', 'current-waiting', 'pause', 'cmd-delete', 'cmd-pause-tube'].map((k) => Number(theirs[k])),
        ),
        name,
      );
      assert.ok(Math.abs(mine.pauseTimeLeftSeconds - Number(theirs['pause-time-left'])) <= 1);
    }
    const a = await admin.tubeStats(alpha);
    assert.deepEqual([a.currentJobs.ready, a.currentJobs.urgent, a.currentJobs.delayed, a.currentJobs.buried, a.currentJobs.reserved, a.totalJobs, a.currentWatching], [2, 0, 1, 1, 1, 5, 1]);
    const b = await admin.tubeStats(beta);
    assert.deepEqual([b.pauseSeconds, b.cmdPauseTube], [120, 1]);
    assert.ok(b.pauseTimeLeftSeconds > 100 && b.pauseTimeLeftSeconds <= 120);
  });

  it('reports job stats equal to stats-job as the job moves between states', async () => {
    const tube = tubeName('job');
    const job = await put(tube, 'x', 7, 3600, 42);
    const stats = await admin.jobStats(job.id);
    assert.deepEqual([stats.id, stats.tube, stats.state, stats.priority, stats.delaySeconds, stats.ttrSeconds, stats.file], [job.id, tube, 'delayed', 7, 3600, 42, 0]);
    const theirs = await raw.statsJob(job.id);
    const keys: [keyof typeof stats, string][] = [
      ['priority', 'pri'],
      ['ageSeconds', 'age'],
      ['delaySeconds', 'delay'],
      ['ttrSeconds', 'ttr'],
      ['reserves', 'reserves'],
      ['timeouts', 'timeouts'],
      ['releases', 'releases'],
      ['buries', 'buries'],
      ['kicks', 'kicks'],
    ];
    for (const [mine, key] of keys) {
      assert.equal(stats[mine], Number(theirs[key]), key);
    }
    assert.ok(Math.abs(stats.timeLeftSeconds - Number(theirs['time-left'])) <= 1 && stats.timeLeftSeconds > 3500);

    await admin.kickJob(job.id);
    const w = await worker(tube);
    await w.reserve(1);
    await w.release(job.id, 9, 0);
    await w.reserve(1);
    await w.bury(job.id, 11);
    const after = await admin.jobStats(job.id);
    assert.deepEqual([after.state, after.priority, after.kicks, after.reserves, after.releases, after.buries, after.timeouts], ['buried', 11, 1, 2, 1, 1, 0]);
  });

  it('peeks ready, delayed and buried jobs and jobs by id as exact bytes, each tube’s own even when asked at once', async () => {
    const tubes = Array.from({ length: 12 }, (_, i) => tubeName(`peek${i}`));
    const bodyOf = (i: number, state: string) => Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, b) => b)), Buffer.from(`\r\n${state} ${i}\r\n`)]);
    for (const [i, tube] of tubes.entries()) {
      await put(tube, bodyOf(i, 'ready'), 100);
      await put(tube, bodyOf(i, 'delayed'), 100, 3600);
      const toBury = await put(tube, bodyOf(i, 'buried'), 0); // most urgent: reserved first
      const w = await worker(tube);
      assert.equal((await w.reserve(1))!.id, toBury.id);
      await w.bury(toBury.id, 100);
    }
    const states = ['ready', 'delayed', 'buried'] as const;
    const peeks = await Promise.all(tubes.flatMap((tube) => states.map((state) => admin.peek(tube, state))));
    peeks.forEach((job, k) => {
      const i = Math.floor(k / 3);
      assert.deepEqual(job!.body, bodyOf(i, states[k % 3]), `tube ${i} ${states[k % 3]}`);
    });
    const byId = await admin.peekJob(peeks[0]!.id);
    assert.deepEqual(byId.body, bodyOf(0, 'ready'));
    const empty = tubeName('empty');
    assert.equal(await admin.peek(empty, 'ready'), undefined);
    assert.ok(!(await admin.tubes()).some((t) => t.name === empty), 'peeking does not keep an empty tube alive');
    assert.equal((await raw.statsTube(tubes[0]))['current-using'], '0', 'the admin client does not stay on a peeked tube');
  });

  it('kicks N jobs and one job, deletes a job and pauses a tube, as the server counts them', async () => {
    const tube = tubeName('ops');
    const w = await worker(tube);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await put(tube, `b${i}`)).id);
      await w.reserve(1);
      await w.bury(ids[i], 100);
    }
    const delayed = await put(tube, 'later', 100, 3600);
    assert.equal(await admin.kick(tube, 2), 2, 'buried jobs are kicked first');
    let theirs = await raw.statsTube(tube);
    assert.deepEqual([theirs['current-jobs-buried'], theirs['current-jobs-ready'], theirs['current-jobs-delayed']], ['1', '2', '1']);
    await admin.kickJob(ids[2]);
    assert.equal(await admin.kick(tube, 5), 1, 'with none buried, delayed jobs are kicked');
    theirs = await raw.statsTube(tube);
    assert.deepEqual([theirs['current-jobs-buried'], theirs['current-jobs-ready'], theirs['current-jobs-delayed']], ['0', '4', '0']);
    assert.equal((await raw.statsJob(delayed.id)).kicks, '1');

    await admin.deleteJob(ids[0]);
    assert.equal(await raw.peek({ id: ids[0] }), undefined);
    assert.equal((await raw.statsTube(tube))['cmd-delete'], '1');
    await assert.rejects(admin.deleteJob(ids[0]), (e: BeanstalkdError) => e.kind === 'not-found' && e.message.includes(`Job ${ids[0]} was not found`));
    await assert.rejects(admin.peekJob(ids[0]), (e: BeanstalkdError) => e.kind === 'not-found' && e.message.includes(ids[0]));
    await assert.rejects(admin.jobStats(ids[0]), (e: BeanstalkdError) => e.kind === 'not-found');
    await assert.rejects(admin.kickJob(ids[1]), (e: BeanstalkdError) => e.kind === 'not-found' && /neither buried nor delayed/.test(e.message), 'a ready job cannot be kicked');

    await admin.pauseTube(tube, 45);
    theirs = await raw.statsTube(tube);
    assert.deepEqual([theirs.pause, theirs['cmd-pause-tube']], ['45', '1']);
    assert.equal(await w.reserve(0), undefined, 'a paused tube gives no jobs');
    await admin.pauseTube(tube, 0);
    assert.ok(await w.reserve(1), 'pause 0 resumes the tube');
  });

  it('puts bodies byte for byte with priority, delay and ttr, and words the refusals', async () => {
    const tube = tubeName('put');
    const body = Buffer.from([0, 13, 10, 255, 13, 10, 32]);
    const job = await put(tube, body, 1023, 0, 17);
    assert.equal(job.state, 'inserted');
    assert.match(job.id, /^\d+$/);
    assert.deepEqual((await raw.peek({ id: job.id }))!.body, body);
    const theirs = await raw.statsJob(job.id);
    assert.deepEqual([theirs.tube, theirs.pri, theirs.delay, theirs.ttr, theirs.state], [tube, '1023', '0', '17', 'ready']);
    const urgent = (await raw.statsTube(tube))['current-jobs-urgent'];
    assert.equal(urgent, '1', 'priority below 1024 is urgent');

    const tooBig = Buffer.alloc(2049, 'x');
    await assert.rejects(put(tube, tooBig), (e: BeanstalkdError) => {
      assert.equal(e.kind, 'job-too-big');
      assert.match(e.message, /The job of 2049 bytes is larger than the server's max-job-size of 2048 bytes/);
      return true;
    });
    assert.equal((await put(tube, Buffer.alloc(2048, 'y'))).state, 'inserted', 'exactly max-job-size is accepted, and the connection still works');

    await assert.rejects(put('-bad', 'x'), (e: BeanstalkdError) => e.kind === 'invalid-argument' && /cannot start with "-"/.test(e.message));
    await assert.rejects(put(tube, 'x', -1), (e: BeanstalkdError) => e.kind === 'invalid-argument' && /priority must be a whole number from 0 to 4294967295; it is -1/i.test(e.message));
    await assert.rejects(put(tube, 'x', 4_294_967_296), (e: BeanstalkdError) => e.kind === 'invalid-argument');
    await assert.rejects(admin.kick(tube, 0), (e: BeanstalkdError) => e.kind === 'invalid-argument');
    await assert.rejects(admin.peekJob('12abc'), (e: BeanstalkdError) => e.kind === 'invalid-argument' && /is not a job id/.test(e.message));
    await assert.rejects(admin.tubeStats(tubeName('never')), (e: BeanstalkdError) => e.kind === 'not-found' && /tube ".*" was not found/.test(e.message));
    assert.deepEqual((await raw.peek({ id: job.id }))!.body, body, 'refused commands left the job alone');
  });
});
