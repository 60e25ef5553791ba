import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerUnavailableError, runProcess } from '../../src/docker/compose';
import { parseLsofListener, parseSsListener } from '../../src/core/ports';
import { ComposeFailure, ComposeStack, type StackSettings } from '../../src/docker/stack';
import { getFreePort } from '../harness/ports';
import { waitUntil } from '../harness/util';

/**
 * The Docker path's command lines, run as real processes. By default `docker` and `docker-compose`
 * are the recording stand-ins in test/fixtures/fake-docker (put first on PATH), and the tests
 * assert the exact command lines and how each canned failure is reported. With MQX_REAL_DOCKER=1
 * the same tests run against the real Docker on PATH and assert outcomes only.
 */
const realDocker = process.env.MQX_REAL_DOCKER === '1';
const repoRoot = path.resolve(__dirname, '../../..');
const fakeDir = path.join(repoRoot, 'test', 'fixtures', 'fake-docker');
const composeFile = path.join(repoRoot, 'docker-compose.yaml');
const INSPECT = 'docker inspect --format {{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}} mq-explorer-kafka';

describe(`Docker stack lifecycle (${realDocker ? 'real Docker' : 'recording stand-in docker'})`, function () {
  this.timeout(realDocker ? 600_000 : 20_000);
  let tempDir: string;
  let logFile: string;
  let settings: StackSettings;
  const saved = { PATH: process.env.PATH, log: process.env.MQX_FAKE_DOCKER_LOG, scenario: process.env.MQX_FAKE_DOCKER_SCENARIO };

  beforeEach(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-fake-docker-'));
    logFile = path.join(tempDir, 'calls.log');
    settings = { hostPort: await getFreePort(), imageTag: '4.1.1', defaultPartitions: 3, autoCreateTopics: false };
    if (!realDocker) {
      process.env.PATH = `${fakeDir}${path.delimiter}${saved.PATH ?? ''}`;
      process.env.MQX_FAKE_DOCKER_LOG = logFile;
      delete process.env.MQX_FAKE_DOCKER_SCENARIO;
    }
  });

  afterEach(() => {
    for (const [key, value] of [['PATH', saved.PATH], ['MQX_FAKE_DOCKER_LOG', saved.log], ['MQX_FAKE_DOCKER_SCENARIO', saved.scenario]] as const) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  function scenario(name: string): void {
    process.env.MQX_FAKE_DOCKER_SCENARIO = name;
  }

  function recorded(): string[] {
    return fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n') : [];
  }

  const env = (): string =>
    `{MQX_KAFKA_PORT=${settings.hostPort} MQX_KAFKA_IMAGE_TAG=4.1.1 MQX_KAFKA_PARTITIONS=3 MQX_KAFKA_AUTO_CREATE=false}`;

  it('starts, reports status, follows logs, restarts, stops and resets with the exact Compose command lines', async () => {
    const stack = await ComposeStack.detect(composeFile, settings);
    try {
      await stack.up();
      await waitUntil(async () => (await stack.status()) === 'running', { timeoutMs: realDocker ? 300_000 : 5_000, what: 'a healthy container' });
      const logs = stack.logsCommand();
      assert.deepEqual(logs.args.slice(-5), ['logs', '-f', '--tail', '200', 'kafka']);
      if (!realDocker) {
        // The terminal runs exactly this; with the stand-in it ends at once.
        const followed = await runProcess(logs.file, logs.args, 5_000, logs.env);
        assert.match(followed.stdout, /started/);
      }
      await stack.restart();
      await waitUntil(async () => (await stack.status()) === 'running', { timeoutMs: realDocker ? 300_000 : 5_000, what: 'running after restart' });
      await stack.down();
      assert.equal(await stack.status(), 'stopped');
    } finally {
      await stack.reset();
    }
    if (!realDocker) {
      const f = `-f ${composeFile} -p mq-explorer`;
      assert.deepEqual(recorded(), [
        'docker info --format {{.ServerVersion}}',
        'docker compose version',
        INSPECT,
        `docker compose ${f} up -d ${env()}`,
        INSPECT,
        `docker compose ${f} logs -f --tail 200 kafka ${env()}`,
        `docker compose ${f} restart kafka ${env()}`,
        INSPECT,
        `docker compose ${f} down ${env()}`,
        INSPECT,
        `docker compose ${f} down -v ${env()}`,
      ]);
    }
  });

  it('falls back to docker-compose v1 when the compose plugin is missing', async function () {
    if (realDocker) {
      this.skip(); // a real machine has one or the other; nothing to stage
    }
    scenario('v1');
    const stack = await ComposeStack.detect(composeFile, settings);
    await stack.up();
    assert.equal(stack.compose.label, 'docker-compose');
    assert.deepEqual(recorded(), [
      'docker info --format {{.ServerVersion}}',
      'docker compose version',
      'docker-compose version',
      INSPECT,
      `docker-compose -f ${composeFile} -p mq-explorer up -d ${env()}`,
    ]);
  });

  it('says when Docker is not installed', async function () {
    if (realDocker) {
      this.skip(); // MQX_REAL_DOCKER=1: this failure is staged by the stand-in; a real engine cannot be made to fail this way
    }
    process.env.PATH = tempDir; // an empty folder: no docker at all
    await assert.rejects(
      ComposeStack.detect(composeFile, settings),
      (e: unknown) => e instanceof DockerUnavailableError && /Docker is not installed/.test(e.message),
    );
  });

  it('tells a stopped Docker engine apart', async function () {
    if (realDocker) {
      this.skip(); // MQX_REAL_DOCKER=1: this failure is staged by the stand-in; a real engine cannot be made to fail this way
    }
    scenario('daemon-down');
    await assert.rejects(
      ComposeStack.detect(composeFile, settings),
      (e: unknown) => e instanceof DockerUnavailableError && /not running or not reachable \(Cannot connect to the Docker daemon/.test(e.message),
    );
    assert.deepEqual(recorded(), ['docker info --format {{.ServerVersion}}']);
  });

  it('names the process holding the host port before starting anything', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen({ host: '127.0.0.1', port: settings.hostPort }, resolve));
    try {
      const stack = await ComposeStack.detect(composeFile, settings);
      await assert.rejects(stack.up(), (e: unknown) => {
        assert.ok(e instanceof ComposeFailure && e.kind === 'port-in-use', String(e));
        assert.match(e.message, new RegExp(`Port ${settings.hostPort} is already in use`));
        // ss can tell on Linux: the holder is this very Node process.
        if (process.platform === 'linux') {
          assert.match(e.message, new RegExp(`\\(pid ${process.pid}\\)`));
        }
        return true;
      });
      if (!realDocker) {
        assert.equal(recorded().filter((line) => / up -d/.test(line)).length, 0, 'up must not run');
      }
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('reports a port taken by Docker itself (Compose says "port is already allocated")', async function () {
    if (realDocker) {
      this.skip(); // MQX_REAL_DOCKER=1: this failure is staged by the stand-in; a real engine cannot be made to fail this way
    }
    scenario('port-in-use');
    const stack = await ComposeStack.detect(composeFile, settings);
    await assert.rejects(stack.up(), (e: unknown) => e instanceof ComposeFailure && e.kind === 'port-in-use' && /mqExplorer\.localKafka\.port/.test(e.message));
  });

  it('reports an image that cannot be pulled, naming the tag setting', async function () {
    if (realDocker) {
      this.skip(); // MQX_REAL_DOCKER=1: this failure is staged by the stand-in; a real engine cannot be made to fail this way
    }
    scenario('pull-fail');
    const stack = await ComposeStack.detect(composeFile, { ...settings, imageTag: '0.0.0-missing' });
    await assert.rejects(stack.up(), (e: unknown) => {
      assert.ok(e instanceof ComposeFailure && e.kind === 'image-pull', String(e));
      assert.match(e.message, /could not pull the image apache\/kafka:0\.0\.0-missing \(.*manifest unknown/);
      assert.match(e.message, /mqExplorer\.localKafka\.docker\.imageTag/);
      return true;
    });
  });
});

describe('port holder parsing', () => {
  it('reads ss -ltnp output', () => {
    const out = 'LISTEN 0      4096   0.0.0.0:9092   0.0.0.0:*  users:(("docker-proxy",pid=4242,fd=4))\n';
    assert.equal(parseSsListener(out, 9092), 'docker-proxy (pid 4242)');
    assert.equal(parseSsListener(out, 19092), undefined);
  });

  it('reads lsof output', () => {
    const out = 'COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\njava    1234 me   120u  IPv6 0x1      0t0  TCP *:9092 (LISTEN)\n';
    assert.equal(parseLsofListener(out), 'java (pid 1234)');
  });
});
