import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { TailMessage } from '../../src/core/brokerClient';
import { silentLogger } from '../../src/core/brokerClient';
import { KafkaClusterClient } from '../../src/brokers/kafka/client/kafkaClient';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../harness/kafkaCluster';
import { getFreePort } from '../harness/ports';
import { createTlsMaterial } from '../harness/tlsMaterial';
import { startTokenServer, type TokenServer } from '../harness/tokenServer';
import { makeTempDir, removeDir, waitUntil } from '../harness/util';

const CLIENT = { id: 'mq-explorer-it', secret: 'oauth-Client-S3cret-9931' };

/**
 * SASL/OAUTHBEARER with the client-credentials grant against a real broker: a local token endpoint
 * issues unsigned JWTs, which the broker's default (unsecured) validator accepts.
 */
describe(`OAUTHBEARER connections to a real broker (Kafka ${DEFAULT_KAFKA_VERSION})`, function () {
  let cluster: KafkaCluster | undefined;
  let tokens: TokenServer | undefined;
  const clients: KafkaClusterClient[] = [];

  before(async function () {
    this.timeout(240_000);
    tokens = await startTokenServer({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
    cluster = await KafkaCluster.start({ security: { saslUsers: [{ name: 'unused', password: 'unused-password' }] } });
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(clients.map((c) => c.dispose()));
    await cluster?.stop();
    await tokens?.stop();
  });

  function connect(tokenEndpoint: string, clientSecret: string | undefined, scope?: string, extensions?: Record<string, string>): KafkaClusterClient {
    assert.ok(cluster);
    const client = new KafkaClusterClient(
      {
        id: randomUUID(),
        name: 'oauth',
        kind: 'kafka',
        bootstrapServers: cluster.securedBootstrap('sasl').split(','),
        sasl: { mechanism: 'oauthbearer', tokenEndpoint, clientId: CLIENT.id, ...(scope ? { scope } : {}), ...(extensions ? { extensions } : {}) },
      },
      { logger: silentLogger, requestTimeoutMs: 8_000, secrets: () => Promise.resolve(clientSecret === undefined ? {} : { password: clientSecret }) },
    );
    clients.push(client);
    return client;
  }

  it('connects, lists topics, produces and consumes, asking the token endpoint once', async function () {
    this.timeout(60_000);
    assert.ok(tokens);
    const before = tokens.requests;
    const client = connect(tokens.url, CLIENT.secret, 'kafka profile');
    assert.equal((await client.describeCluster()).brokers.length, 1);
    const topic = `it-oauth-${randomUUID().slice(0, 8)}`;
    await client.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    assert.ok((await client.listTopics()).some((t) => t.name === topic));
    await client.produce(topic, [{ key: 'k', value: 'over OAUTHBEARER' }]);

    const seen: TailMessage[] = [];
    const session = await client.startTail({ topics: [topic], fromBeginning: true }, { onMessages: (batch) => seen.push(...batch), onState: () => undefined });
    try {
      await waitUntil(() => seen.length > 0, { timeoutMs: 30_000, what: 'the produced message in the tail' });
    } finally {
      await session.stop();
    }
    assert.deepEqual(seen.map((m) => [m.key, m.value]), [['k', 'over OAUTHBEARER']]);
    // Admin, producer and consumer connections all authenticated with the one cached token.
    assert.equal(tokens.requests - before, 1, 'the token was not reused');
    const form = tokens.forms[tokens.forms.length - 1];
    assert.deepEqual([form?.get('grant_type'), form?.get('scope'), form?.get('client_secret')], ['client_credentials', 'kafka profile', null]);
  });

  it('sends SASL extensions beside the token in a frame the broker parses', async () => {
    assert.ok(tokens);
    // Kafka's unsecured validator accepts any well-formed extension; a malformed frame fails authentication.
    const client = connect(tokens.url, CLIENT.secret, undefined, { logicalCluster: 'lkc-it1', identityPoolId: 'pool-It2' });
    assert.equal((await client.describeCluster()).brokers.length, 1);
  });

  it('says the token endpoint rejected the client id or secret, without echoing the secret', async () => {
    assert.ok(tokens);
    await assert.rejects(connect(tokens.url, 'wrong-secret-value').describeCluster(), (error: Error) => {
      assert.equal(
        error.message,
        `Getting an OAuth token failed: the token endpoint ${tokens?.url} rejected the client id or secret (HTTP 401 invalid_client). Check the client id "${CLIENT.id}" and its secret.`,
      );
      assert.doesNotMatch(error.message, /wrong-secret-value/);
      return true;
    });
  });

  it('names a token endpoint that cannot be reached', async () => {
    const unreachable = `http://127.0.0.1:${await getFreePort()}/token`;
    await assert.rejects(connect(unreachable, CLIENT.secret).describeCluster(), (error: Error) => {
      assert.equal(
        error.message,
        `Getting an OAuth token failed: cannot reach the token endpoint ${unreachable} (connection refused). Check the URL and that it is reachable from this machine.`,
      );
      return true;
    });
  });

  it('names a token endpoint that does not answer in time', async () => {
    const silent = http.createServer(() => undefined); // accepts the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
    try {
      // The client's operations get 8 s, so a token request gets 4 s.
      await assert.rejects(connect(url, CLIENT.secret).describeCluster(), {
        message: `Getting an OAuth token failed: the token endpoint ${url} did not answer within 4 s. Is it reachable from this machine?`,
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('says the TLS check failed for an https token endpoint whose CA this machine does not trust', async function () {
    this.timeout(60_000);
    const dir = makeTempDir('oauth-tls');
    const tls = await createTlsMaterial(dir);
    const server = https.createServer({ cert: fs.readFileSync(path.join(tls.dir, 'broker.pem')), key: fs.readFileSync(path.join(tls.dir, 'broker.key')) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    try {
      await assert.rejects(connect(url, CLIENT.secret).describeCluster(), (error: Error) => {
        assert.match(error.message, new RegExp(`^Getting an OAuth token failed: cannot reach the token endpoint ${url.replace(/\./g, '\\.')} \\(TLS failed: .*certificate.*\\)\\. Check the URL`));
        return true;
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      removeDir(dir);
    }
  });

  it('says what is wrong when the URL is not a token endpoint', async () => {
    assert.ok(tokens);
    const notTheTokenUrl = tokens.url.replace(/\/token$/, '/no-token');
    await assert.rejects(connect(notTheTokenUrl, CLIENT.secret).describeCluster(), (error: Error) => {
      assert.match(error.message, /^Getting an OAuth token failed: the answer of http:\/\/127\.0\.0\.1:\d+\/no-token has no access_token\. Is it the OAuth 2\.0 token endpoint/);
      return true;
    });
    const wrongPath = tokens.url.replace(/\/token$/, '/userinfo');
    await assert.rejects(connect(wrongPath, CLIENT.secret).describeCluster(), /the token endpoint .*\/userinfo answered HTTP 400 unsupported_grant_type\. Check the token endpoint URL\./);
  });

  it('says the broker rejected the token when it is not valid (expired)', async () => {
    const expired = await startTokenServer({ clientId: CLIENT.id, clientSecret: CLIENT.secret, lifetimeSeconds: -60 });
    try {
      await assert.rejects(connect(expired.url, CLIENT.secret).describeCluster(), (error: Error) => {
        assert.equal(
          error.message,
          'Describing the cluster failed: the broker rejected the OAuth token (invalid_token). Check that the cluster trusts tokens from this token endpoint and client (issuer, audience, scope).',
        );
        return true;
      });
    } finally {
      await expired.stop();
    }
  });

  it('connects once the token endpoint is back, with the same client', async () => {
    assert.ok(tokens);
    const client = connect(tokens.url, CLIENT.secret);
    tokens.setDown(true);
    try {
      await assert.rejects(client.listTopics(), {
        message: `Getting an OAuth token failed: the token endpoint ${tokens.url} is unavailable (HTTP 503 temporarily_unavailable). Try again in a moment.`,
      });
    } finally {
      tokens.setDown(false);
    }
    assert.ok(Array.isArray(await client.listTopics()));
  });

  it('says so when no client secret is stored', async () => {
    assert.ok(tokens);
    await assert.rejects(
      connect(tokens.url, undefined).describeCluster(),
      { message: `No client secret is stored for the OAuth client "${CLIENT.id}" on oauth. Use "Edit Cluster" to enter it.` },
    );
  });
});
