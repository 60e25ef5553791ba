import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClusterSecrets, SaslSettings, TlsSettings } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { keyPartitioner } from '../../src/brokers/kafka/produce/partitioner';
import { produceJsonlFile } from '../../src/produce/bulkPipeline';
import { isPerMessageSendError } from '../../src/produce/pipeline';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { kcatConsume } from '../harness/kcat';
import { createTlsMaterial, type TlsMaterial } from '../harness/tlsMaterial';
import { startTokenServer, type TokenServer } from '../harness/tokenServer';
import { makeTempDir, removeDir } from '../harness/util';

const USER = { name: 'alice', password: 'alice-secret-42' };
const OAUTH_CLIENT = { id: 'bulk-client', secret: 'bulk-client-secret-7' };

/** SASL (PLAIN and SCRAM users made by the broker's own StorageTool) and SSL/mTLS listeners made with openssl/keytool. */
describe(`Secured connections to a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster | undefined;
  let tls: TlsMaterial;
  let certDir: string;
  let tokens: TokenServer | undefined;
  const clients: KafkaClusterClient[] = [];

  before(async function () {
    this.timeout(240_000);
    certDir = makeTempDir('tls');
    tls = await createTlsMaterial(certDir);
    cluster = await KafkaCluster.start({ security: { saslUsers: [USER], tls } });
    tokens = await startTokenServer({ clientId: OAUTH_CLIENT.id, clientSecret: OAUTH_CLIENT.secret });
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(clients.map((c) => c.dispose()));
    await cluster?.stop();
    await tokens?.stop();
    removeDir(certDir);
  });

  function connect(
    /** 'sasl', 'ssl' or 'mtls' for the cluster's listener of that kind, anything else is used as the servers. */
    listener: string,
    options: { sasl?: SaslSettings; tls?: TlsSettings; secrets?: ClusterSecrets },
  ): KafkaClusterClient {
    assert.ok(cluster);
    const servers = ['sasl', 'ssl', 'mtls'].includes(listener) ? cluster.securedBootstrap(listener as 'sasl') : listener;
    const client = new KafkaClusterClient(
      { id: randomUUID(), name: 'secured', kind: 'kafka', bootstrapServers: servers.split(','), sasl: options.sasl, tls: options.tls },
      { logger: silentLogger, requestTimeoutMs: 8_000, secrets: () => Promise.resolve(options.secrets ?? {}) },
    );
    clients.push(client);
    return client;
  }

  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`connects with SASL/${mechanism.toUpperCase()} and lists topics`, async () => {
      const client = connect('sasl', { sasl: { mechanism, username: USER.name }, secrets: { password: USER.password } });
      const described = await client.describeCluster();
      assert.equal(described.brokers.length, 1);
      assert.ok(Array.isArray(await client.listTopics()));
    });
  }

  it('says the credentials were rejected for a wrong password, without echoing it', async () => {
    const client = connect('sasl', { sasl: { mechanism: 'scram-sha-256', username: USER.name }, secrets: { password: 'wrong-password' } });
    await assert.rejects(client.describeCluster(), (error: Error) => {
      assert.match(error.message, /rejected the credentials\. Check the user name, password and SASL mechanism\./);
      assert.doesNotMatch(error.message, /wrong-password/);
      return true;
    });
  });

  it('says so when no password is stored for a SASL cluster', async () => {
    const client = connect('sasl', { sasl: { mechanism: 'plain', username: USER.name } });
    await assert.rejects(client.describeCluster(), /No password is stored for "alice" on secured\. Use "Edit Cluster" to enter it\./);
  });

  it('connects over TLS with the cluster CA, and fails clearly with the system CAs or another CA', async () => {
    assert.equal((await connect('ssl', { tls: { caFile: tls.caFile } }).describeCluster()).brokers.length, 1);
    await assert.rejects(connect('ssl', { tls: {} }).describeCluster(), /TLS handshake with .* failed \(.*(self.signed|unable to verify|certificate).*\)/i);
    await assert.rejects(connect('ssl', { tls: { caFile: tls.otherCaFile } }).describeCluster(), /TLS handshake with .* failed/);
  });

  it('connects without verification only when told to', async () => {
    assert.equal((await connect('ssl', { tls: { skipVerify: true } }).describeCluster()).brokers.length, 1);
  });

  it('connects with mutual TLS, and fails when the client certificate is missing', async () => {
    const mtls = connect('mtls', { tls: { caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile } });
    assert.equal((await mtls.describeCluster()).brokers.length, 1);
    await assert.rejects(connect('mtls', { tls: { caFile: tls.caFile } }).describeCluster(), (error: Error) => {
      assert.match(error.message, /^Describing the cluster failed: /);
      return true;
    });
  });

  it('names a certificate file that cannot be read', async () => {
    const missing = path.join(certDir, 'missing-ca.pem');
    await assert.rejects(
      connect('ssl', { tls: { caFile: missing } }).describeCluster(),
      { message: `Cannot read the CA certificate file ${missing} for secured: it does not exist.` },
    );
  });

  /** Produces `lines` by the bulk path (large files) through `client`; the summary. */
  async function bulkProduce(client: KafkaClusterClient, topic: string, lines: string[]) {
    const file = path.join(certDir, `${topic}.jsonl`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const sender = client.bulkProducer(topic, { compression: 'gzip' });
    try {
      return await produceJsonlFile(file, topic, sender, {
        batchSize: 2000,
        maxInFlight: 4,
        partitionCount: 2,
        partitionForKey: keyPartitioner(2),
        isPerMessageError: isPerMessageSendError,
        shape: { envelope: 'auto' },
      });
    } finally {
      await sender.close();
    }
  }

  const bulkListeners = [
    ['SASL/SCRAM-SHA-512', () => connect('sasl', { sasl: { mechanism: 'scram-sha-512', username: USER.name }, secrets: { password: USER.password } })],
    ['mutual TLS', () => connect('mtls', { tls: { caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile } })],
    [
      'SASL/OAUTHBEARER',
      () => connect('sasl', { sasl: { mechanism: 'oauthbearer', tokenEndpoint: tokens?.url ?? '', clientId: OAUTH_CLIENT.id }, secrets: { password: OAUTH_CLIENT.secret } }),
    ],
  ] as const;
  for (const [label, secured] of bulkListeners) {
    it(`produces a large file by the bulk path over ${label}: kcat reads every line back`, async function () {
      this.timeout(120_000);
      assert.ok(cluster);
      const client = secured();
      const topic = `it-secured-bulk-${randomUUID().slice(0, 8)}`;
      await client.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
      const lines = Array.from({ length: 25_000 }, (_, i) => `{"i":${i},"via":"${label}"}`);
      const summary = await bulkProduce(client, topic, lines);
      assert.deepEqual([summary.sent, summary.failed, summary.stoppedBy], [25_000, 0, undefined]);
      // Read back independently, on the cluster's plaintext listener.
      const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 25_000, exitAtEnd: true, timeoutMs: 60_000 });
      assert.deepEqual(records.map((r) => r.value).sort(), [...lines].sort());
    });
  }

  it('a wrong password stops a bulk run with the credentials sentence and sends nothing', async function () {
    this.timeout(60_000);
    assert.ok(cluster);
    const topic = `it-secured-bulk-denied-${randomUUID().slice(0, 8)}`;
    await connect(cluster.bootstrapServers, {}).createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    const denied = connect('sasl', { sasl: { mechanism: 'scram-sha-256', username: USER.name }, secrets: { password: 'wrong-password' } });
    const summary = await bulkProduce(denied, topic, Array.from({ length: 5000 }, (_, i) => `{"i":${i}}`));
    assert.equal(summary.sent, 0);
    assert.match(summary.stoppedBy ?? '', /rejected the credentials\. Check the user name, password and SASL mechanism\./);
    assert.doesNotMatch(summary.stoppedBy ?? '', /wrong-password/);
    const records = await kcatConsume(cluster.bootstrapServers, topic, { count: 1, exitAtEnd: true });
    assert.equal(records.length, 0);
  });

  it('explains a TLS client on a plaintext listener: listener, TLS or SASL mismatch, not "Closed connection"', async () => {
    assert.ok(cluster);
    const client = connect(cluster.bootstrapServers, { tls: { caFile: tls.caFile } });
    await assert.rejects(client.describeCluster(), (error: Error) => {
      assert.doesNotMatch(error.message, /^[^:]*: Closed connection$/);
      assert.match(error.message, /TLS/);
      assert.match(error.message, /plaintext listener/);
      assert.match(error.message, /port/);
      return true;
    });
  });

  it('explains a plaintext client on a TLS listener and on a SASL listener', async () => {
    for (const listener of ['ssl', 'sasl']) {
      const client = connect(listener, {});
      await assert.rejects(client.describeCluster(), (error: Error) => {
        assert.doesNotMatch(error.message, /Closed connection$/, `${listener}: ${error.message}`);
        assert.match(error.message, /closed the connection/, `${listener}: ${error.message}`);
        assert.match(error.message, /requires TLS or SASL/, `${listener}: ${error.message}`);
        assert.match(error.message, /port/, `${listener}: ${error.message}`);
        return true;
      });
    }
  });

  it('says when a host name does not resolve', async () => {
    await assert.rejects(connect('no-such-host.invalid:9092', {}).describeCluster(), /could not be resolved \(DNS\)/);
  });
});
