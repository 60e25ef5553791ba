/**
 * Test certificates made with openssl and keytool: a CA, a broker certificate for 127.0.0.1 and
 * localhost signed by it, a client certificate for mutual TLS, and a second, unrelated CA for
 * "wrong CA" tests. Everything lives in one temp directory the caller removes.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  dir: string;
  /** PEM of the CA that signed the broker and client certificates. */
  caFile: string;
  /** PEM of a CA that signed nothing here. */
  otherCaFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** PKCS12 key store with the broker's key and certificate chain. */
  brokerKeystore: string;
  /** PKCS12 trust store with the CA, for brokers that require client certificates. */
  brokerTruststore: string;
  storePassword: string;
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

async function signedCertificate(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  await openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', `${name}.pem`, '-days', '2', '-sha256', '-extfile', `${name}.ext`,
  ]);
}

/** Creates the CA, broker and client material in `dir` (which must exist). */
export async function createTlsMaterial(dir: string): Promise<TlsMaterial> {
  const storePassword = 'harness-store-pass';
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=MQ Explorer Test CA']);
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=Some Other CA']);
  await signedCertificate(dir, 'broker', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await signedCertificate(dir, 'client', '/CN=mq-explorer-test-client', 'extendedKeyUsage=clientAuth\n');
  await openssl(dir, [
    'pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem',
    '-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${storePassword}`,
  ]);
  await run('keytool', [
    '-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem',
    '-keystore', 'truststore.p12', '-storetype', 'PKCS12', '-storepass', storePassword,
  ], { cwd: dir });
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    otherCaFile: path.join(dir, 'other-ca.pem'),
    clientCertFile: path.join(dir, 'client.pem'),
    clientKeyFile: path.join(dir, 'client.key'),
    brokerKeystore: path.join(dir, 'broker.p12'),
    brokerTruststore: path.join(dir, 'truststore.p12'),
    storePassword,
  };
}
