import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatSaslExtensions, parseSaslExtensions, tokenEndpointProblem, validateClusterInput } from '../../src/connections/clusterInput';
import { challengeStatus, initialClientResponse } from '../../src/brokers/kafka/auth/oauthBearerSasl';
import { clientCredentialsRequest, createTokenProvider, reusableUntil } from '../../src/brokers/kafka/auth/oauthToken';
import { startTokenServer } from '../harness/tokenServer';

describe('OAuth client credentials', () => {
  it('sends the grant and scope as a form, the client id and secret only in the Basic header', () => {
    const { headers, body } = clientCredentialsRequest({
      tokenEndpoint: 'https://idp.example.com/token',
      clientId: 'kafka client',
      clientSecret: 's3cr:t&=+',
      scope: ' kafka profile ',
    });
    assert.equal(body, 'grant_type=client_credentials&scope=kafka+profile');
    assert.equal(headers['content-type'], 'application/x-www-form-urlencoded');
    // RFC 6749 2.3.1: id and secret are form-encoded before base64, so a ":" in the secret stays unambiguous.
    assert.equal(Buffer.from(headers.authorization.replace(/^Basic /, ''), 'base64').toString(), 'kafka+client:s3cr%3At%26%3D%2B');
    assert.equal(clientCredentialsRequest({ tokenEndpoint: 'x', clientId: 'a', clientSecret: 'b' }).body, 'grant_type=client_credentials');
  });

  it('reuses a token until shortly before it expires, and never one without a lifetime', () => {
    const now = 1_000_000;
    assert.equal(reusableUntil(3600, now), now + 3_600_000 - 60_000);
    assert.equal(reusableUntil('300', now), now + 300_000 - 30_000, 'a short lifetime keeps a tenth as margin');
    for (const missing of [undefined, null, 0, -5, 'soon']) {
      assert.equal(reusableUntil(missing, now), 0, `expires_in ${String(missing)}`);
    }
  });

  it('shares one request among concurrent callers and fetches again once the token is due', async () => {
    const server = await startTokenServer({ clientId: 'app', clientSecret: 'app-secret', lifetimeSeconds: 100 });
    try {
      let clock = 5_000_000;
      const provider = createTokenProvider({ tokenEndpoint: server.url, clientId: 'app', clientSecret: 'app-secret' }, { now: () => clock });
      const [a, b, c] = await Promise.all([provider(), provider(), provider()]);
      assert.equal(server.requests, 1);
      assert.ok(a.value === b.value && b.value === c.value);
      clock += 89_000; // 100 s lifetime, 10 s margin: still reusable
      await provider();
      assert.equal(server.requests, 1);
      clock += 2_000;
      await provider();
      assert.equal(server.requests, 2);
    } finally {
      await server.stop();
    }
  });

  it('tells a client not allowed the grant apart from a wrong secret', async () => {
    let status = 400;
    const server = http.createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    const ask = () => createTokenProvider({ tokenEndpoint: url, clientId: 'app', clientSecret: 'app-secret' })();
    try {
      await assert.rejects(ask(), /does not allow the client "app" the client-credentials grant \(unauthorized_client\)/);
      status = 401; // Keycloak's answer to a wrong secret
      await assert.rejects(ask(), /rejected the client id or secret \(HTTP 401 unauthorized_client\)/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('accepts only http(s) token endpoint URLs without credentials in them', () => {
    assert.equal(tokenEndpointProblem('https://keycloak.example.com/realms/kafka/protocol/openid-connect/token'), undefined);
    assert.equal(tokenEndpointProblem('http://127.0.0.1:8080/token'), undefined);
    for (const bad of ['', 'keycloak.example.com/token', 'ftp://host/token', 'https://', 42]) {
      assert.match(tokenEndpointProblem(bad) ?? '', /must be an http:\/\/ or https:\/\/ URL/, String(bad));
    }
    assert.match(tokenEndpointProblem('https://id:secret@host/token') ?? '', /no user name or password/);
  });

  it('validates imported OAUTHBEARER settings and refuses a secret in the file', () => {
    const cluster = (sasl: object) => ({ name: 'c', bootstrapServers: 'h:9093', sasl });
    const good = { mechanism: 'oauthbearer', tokenEndpoint: 'https://idp/token', clientId: 'app' };
    assert.equal(validateClusterInput(cluster(good), 'Entry 1'), undefined);
    assert.match(validateClusterInput(cluster({ ...good, clientId: '' }), 'Entry 1') ?? '', /needs a "clientId"/);
    assert.match(validateClusterInput(cluster({ ...good, tokenEndpoint: 'idp/token' }), 'Entry 1') ?? '', /http:\/\/ or https:\/\//);
    assert.match(validateClusterInput(cluster({ ...good, clientSecret: 'x' }), 'Entry 1') ?? '', /secrets are not imported/);
    assert.match(validateClusterInput(cluster({ mechanism: 'plain' }), 'Entry 1') ?? '', /with plain needs a "username"/);
    assert.equal(validateClusterInput(cluster({ ...good, extensions: { logicalCluster: 'lkc-1' } }), 'Entry 1'), undefined);
    assert.match(validateClusterInput(cluster({ ...good, extensions: { 'logical-cluster': 'x' } }), 'Entry 1') ?? '', /"sasl.extensions" has the name "logical-cluster"/);
  });

  it('reads SASL extensions typed as name=value pairs and writes them back the same way', () => {
    assert.deepEqual(parseSaslExtensions(''), { extensions: {} });
    const parsed = parseSaslExtensions(' logicalCluster=lkc-abc12 , identityPoolId=pool-X=y ');
    assert.deepEqual(parsed, { extensions: { logicalCluster: 'lkc-abc12', identityPoolId: 'pool-X=y' } });
    assert.equal(formatSaslExtensions('extensions' in parsed ? parsed.extensions : undefined), 'logicalCluster=lkc-abc12, identityPoolId=pool-X=y');
    assert.deepEqual(parseSaslExtensions('logicalCluster'), { error: '"logicalCluster" is not name=value.' });
    assert.match('error' in parseSaslExtensions('auth=x') ? (parseSaslExtensions('auth=x') as { error: string }).error : '', /use letters only \(not "auth"\)/);
    assert.ok('error' in parseSaslExtensions('pool=é'), 'a non-ASCII value is refused');
  });

  it('frames the SASL initial response and reads the broker challenge', () => {
    assert.equal(initialClientResponse('abc.def.'), 'n,,\u0001auth=Bearer abc.def.\u0001\u0001');
    assert.equal(initialClientResponse('t', { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' }), 'n,,\u0001auth=Bearer t\u0001logicalCluster=lkc-1\u0001identityPoolId=pool-2\u0001\u0001');
    assert.equal(challengeStatus(''), undefined);
    assert.equal(challengeStatus('{"status":"invalid_token"}'), 'invalid_token');
    assert.equal(challengeStatus('garbage'), 'an error');
  });
});
