import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ManagementClient } from '../../src/brokers/rabbitmq/management';
import { getFreePort } from '../harness/ports';
import { RabbitNode } from '../harness/rabbitNode';
import { createTlsMaterial, type TlsMaterial } from '../harness/tlsMaterial';
import { makeTempDir, removeDir } from '../harness/util';
import { failure } from './managementSupport';

/**
 * The management client over https, against a private node of its own whose management listener
 * serves a certificate signed by a CA made with openssl (test/harness/tlsMaterial.ts).
 */
describe('RabbitMQ management API client over https', function () {
  this.timeout(180_000);
  let node: RabbitNode | undefined;
  let tls: TlsMaterial;
  let httpsUrl: string;

  before(async () => {
    tls = await createTlsMaterial(makeTempDir('rabbit-tls'));
    const port = await getFreePort();
    node = await RabbitNode.start({
      config: [
        'management.ssl.ip = 127.0.0.1',
        `management.ssl.port = ${port}`,
        `management.ssl.cacertfile = ${tls.caFile}`,
        `management.ssl.certfile = ${tls.dir}/broker.pem`,
        `management.ssl.keyfile = ${tls.dir}/broker.key`,
      ],
    });
    httpsUrl = `https://127.0.0.1:${port}`;
  });

  after(async () => {
    await node?.stop();
    if (tls) {
      removeDir(tls.dir);
    }
  });

  function client(tlsOptions: { ca?: string; skipVerification?: boolean }): ManagementClient {
    return new ManagementClient({ url: httpsUrl, user: 'guest', password: 'guest', timeoutMs: 10_000, tls: tlsOptions });
  }

  it('trusts the CA given as file contents', async () => {
    const overview = await client({ ca: fs.readFileSync(tls.caFile, 'utf8') }).overview();
    assert.equal(overview.node, node?.nodeName);
  });

  it('refuses the certificate without that CA, or with another CA, as a TLS error', async () => {
    for (const ca of [undefined, fs.readFileSync(tls.otherCaFile, 'utf8')]) {
      const error = await failure(client({ ca }).overview());
      assert.equal(error.kind, 'tls', error.message);
      assert.match(error.message, /The TLS connection to 127\.0\.0\.1:\d+ failed \(.+\): check the CA certificate/);
    }
  });

  it('accepts any certificate when verification is skipped', async () => {
    const overview = await client({ skipVerification: true }).overview();
    assert.equal(overview.node, node?.nodeName);
  });
});
