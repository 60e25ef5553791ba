import * as assert from 'node:assert/strict';
import { stackEnvironment } from '../../src/docker/stack';
import { loggingConfig, serverProperties, toProperties } from '../../src/brokers/kafka/local/brokerConfig';
import { JavaUnavailableError, detectJava, parseJavaVersion } from '../../src/brokers/kafka/local/java';
import { SUPPORTED_LOCAL_KAFKA_VERSIONS, manifestFor, repositoryPath, usesLog4j2 } from '../../src/brokers/kafka/local/manifest';
import type { ProcessRunner } from '../../src/docker/compose';

describe('local Kafka manifests', () => {
  it('covers 3.9.2 and 4.4.0 with the broker, a logging binding and well-formed checksums', () => {
    assert.deepEqual(SUPPORTED_LOCAL_KAFKA_VERSIONS, ['3.9.2', '4.4.0']);
    for (const version of SUPPORTED_LOCAL_KAFKA_VERSIONS) {
      const manifest = manifestFor(version);
      const ids = manifest.artifacts.map((a) => a.artifactId);
      assert.ok(ids.includes('kafka_2.13') && ids.includes('kafka-clients'), version);
      assert.ok(ids.includes('slf4j-reload4j') || ids.includes('log4j-slf4j-impl') || ids.includes('log4j-slf4j2-impl'), `${version}: no slf4j binding`);
      for (const artifact of manifest.artifacts) {
        assert.match(artifact.sha1, /^[0-9a-f]{40}$/);
        assert.ok(artifact.size > 0);
      }
    }
    assert.equal(usesLog4j2(manifestFor('3.9.2')), false);
    assert.equal(usesLog4j2(manifestFor('4.4.0')), true);
    const broker = manifestFor('3.9.2').artifacts.find((a) => a.artifactId === 'kafka_2.13');
    assert.equal(broker && repositoryPath(broker), 'org/apache/kafka/kafka_2.13/3.9.2/kafka_2.13-3.9.2.jar');
    assert.throws(() => manifestFor('2.8.0'), /supported versions: 3\.9\.2, 4\.4\.0/);
  });
});

describe('Java detection', () => {
  const answering = (stderr: string, code = 0): ProcessRunner => () => Promise.resolve({ code, stdout: '', stderr });

  it('reads modern and legacy version strings', () => {
    assert.deepEqual(parseJavaVersion('openjdk version "17.0.15" 2025-04-15'), { major: 17, version: '17.0.15' });
    assert.deepEqual(parseJavaVersion('java version "1.8.0_392"'), { major: 8, version: '1.8.0_392' });
    assert.deepEqual(parseJavaVersion('openjdk version "21" 2023-09-19'), { major: 21, version: '21' });
    assert.equal(parseJavaVersion('nonsense'), undefined);
  });

  it('accepts 17+, and says what to install when Java is missing or old', async () => {
    assert.equal((await detectJava('', answering('openjdk version "17.0.15"'))).major, 17);
    await assert.rejects(detectJava('', answering('', 127)), (e: unknown) => e instanceof JavaUnavailableError && /Java was not found.*Install a Java 17/.test(e.message));
    await assert.rejects(detectJava('', answering('java version "1.8.0_392"')), /Java 1\.8\.0_392 is too old for Kafka\. Install a Java 17/);
  });
});

describe('local broker configuration', () => {
  it('listens on loopback only, with the chosen port, partitions and auto-create', () => {
    const config = serverProperties({ port: 19092, controllerPort: 19093, logDir: '/d', kafkaVersion: '3.9.2', defaultPartitions: 4, autoCreateTopics: true });
    assert.equal(config.listeners, 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    assert.equal(config['advertised.listeners'], 'PLAINTEXT://127.0.0.1:19092');
    assert.equal(config['num.partitions'], '4');
    assert.equal(config['auto.create.topics.enable'], 'true');
    assert.equal(config['share.coordinator.state.topic.replication.factor'], undefined);
    assert.equal(serverProperties({ port: 1, controllerPort: 2, logDir: '/d', kafkaVersion: '4.4.0', defaultPartitions: 1, autoCreateTopics: false })['share.coordinator.state.topic.replication.factor'], '1');
    assert.equal(toProperties({ 'log.dirs': 'C:\\k' }), 'log.dirs=C:\\\\k\n');
    assert.match(loggingConfig(false).text, /ConsoleAppender/);
    assert.match(loggingConfig(true).text, /appender\.out\.type=Console/);
  });

  it('passes the Docker settings to Compose as environment variables', () => {
    assert.deepEqual(stackEnvironment({ hostPort: 19092, imageTag: '3.9.1', defaultPartitions: 6, autoCreateTopics: true }), {
      MQX_KAFKA_PORT: '19092',
      MQX_KAFKA_IMAGE_TAG: '3.9.1',
      MQX_KAFKA_PARTITIONS: '6',
      MQX_KAFKA_AUTO_CREATE: 'true',
    });
  });
});
