import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  DockerUnavailableError,
  type ProcessRunner,
  type RunResult,
  checkDockerEngine,
  composeUp,
  detectCompose,
} from '../../src/docker/compose';

const repoRoot = path.resolve(__dirname, '../../..');

/** Answers each command line from a table and records what was run (pure logic: no Docker needed). */
function scripted(answers: Record<string, Partial<RunResult>>): { run: ProcessRunner; calls: string[] } {
  const calls: string[] = [];
  const run: ProcessRunner = (file, args, _timeout, env) => {
    const line = [file, ...args].join(' ');
    calls.push(env?.MQX_KAFKA_PORT ? `MQX_KAFKA_PORT=${env.MQX_KAFKA_PORT} ${line}` : line);
    const answer = answers[line] ?? { code: 127, stderr: `${file}: not found` };
    return Promise.resolve({ code: 0, stdout: '', stderr: '', ...answer });
  };
  return { run, calls };
}

describe('docker compose detection', () => {
  it('prefers the compose plugin', async () => {
    const { run } = scripted({ 'docker compose version': { code: 0 } });
    assert.deepEqual(await detectCompose(run), { file: 'docker', baseArgs: ['compose'], label: 'docker compose' });
  });

  it('falls back to docker-compose v1', async () => {
    const { run } = scripted({ 'docker-compose version': { code: 0 } });
    assert.equal((await detectCompose(run)).label, 'docker-compose');
  });

  it('says when neither exists', async () => {
    const { run } = scripted({});
    await assert.rejects(detectCompose(run), (e: unknown) => e instanceof DockerUnavailableError && /not found/.test(e.message));
  });

  it('tells "not installed" from "daemon not running"', async () => {
    await assert.rejects(checkDockerEngine(scripted({}).run), /Docker is not installed/);
    const stopped = scripted({
      'docker info --format {{.ServerVersion}}': {
        code: 1,
        stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      },
    });
    await assert.rejects(checkDockerEngine(stopped.run), /not running or not reachable \(Cannot connect/);
  });

  it('runs up -d on the bundled file with the port in the environment, and reports Compose errors', async () => {
    const ok = scripted({ 'docker compose -f /x/docker-compose.yaml -p mq-explorer up -d': { code: 0 } });
    const compose = { file: 'docker', baseArgs: ['compose'], label: 'docker compose' };
    await composeUp(compose, '/x/docker-compose.yaml', { projectName: 'mq-explorer', hostPort: 19092 }, ok.run);
    assert.deepEqual(ok.calls, ['MQX_KAFKA_PORT=19092 docker compose -f /x/docker-compose.yaml -p mq-explorer up -d']);

    const failing = scripted({
      'docker compose -f /x/docker-compose.yaml -p mq-explorer up -d': {
        code: 1,
        stderr: 'Error response from daemon: driver failed: Bind for 0.0.0.0:9092 failed: port is already allocated\n',
      },
    });
    await assert.rejects(
      composeUp(compose, '/x/docker-compose.yaml', { projectName: 'mq-explorer', hostPort: 9092 }, failing.run),
      /docker compose up failed: .*port is already allocated/,
    );
  });
});

describe('bundled docker-compose.yaml', () => {
  // A real Compose parser validates the file; setup installs Debian's docker-compose, so CI runs this.
  const parser = [['docker-compose'], ['docker', 'compose']].find(
    ([cmd, ...sub]) => spawnSync(cmd, [...sub, 'version']).status === 0,
  );

  it('is valid Compose and publishes the external listener on the chosen port', function () {
    if (!parser) {
      this.skip(); // no Compose parser on this machine (scripts/setup.sh installs one)
    }
    const [command, ...sub] = parser;
    const config = execFileSync(command, [...sub, '-f', path.join(repoRoot, 'docker-compose.yaml'), '-p', 'mqx', 'config'], {
      env: { ...process.env, MQX_KAFKA_PORT: '19092' },
      encoding: 'utf8',
    });
    assert.match(config, /image: apache\/kafka:\d+\.\d+\.\d+/);
    assert.match(config, /KAFKA_ADVERTISED_LISTENERS: INTERNAL:\/\/kafka:29092,EXTERNAL:\/\/localhost:19092/);
    assert.match(config, /published: 19092|19092:9092/);
    assert.match(config, /kafka-data:\/var\/lib\/kafka\/data/);
  });

  it('takes the image tag, default partitions and auto-create from the environment (settings), with defaults', function () {
    if (!parser) {
      this.skip(); // no Compose parser on this machine (scripts/setup.sh installs one)
    }
    const [command, ...sub] = parser;
    const run = (env: Record<string, string>): string =>
      execFileSync(command, [...sub, '-f', path.join(repoRoot, 'docker-compose.yaml'), '-p', 'mqx', 'config'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
    const custom = run({ MQX_KAFKA_IMAGE_TAG: '3.9.1', MQX_KAFKA_PARTITIONS: '6', MQX_KAFKA_AUTO_CREATE: 'true' });
    assert.match(custom, /image: apache\/kafka:3\.9\.1/);
    assert.match(custom, /KAFKA_NUM_PARTITIONS: '?6'?/);
    assert.match(custom, /KAFKA_AUTO_CREATE_TOPICS_ENABLE: '?"?true/);
    const defaults = run({});
    assert.match(defaults, /image: apache\/kafka:4\.1\.1/);
    assert.match(defaults, /KAFKA_NUM_PARTITIONS: '?3'?/);
    assert.match(defaults, /KAFKA_AUTO_CREATE_TOPICS_ENABLE: '?"?false/);
  });
});
