import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type { Mechanism, SASLOptions } from 'kafkajs';
import type { ClusterDefinition, ClusterSecrets } from '../../../core/brokerClient';
import { BrokerOperationError } from '../../../core/errors';
import { oauthBearerMechanism } from './oauthBearerSasl';
import { createTokenProvider } from './oauthToken';

/** The kafkajs `ssl` and `sasl` options for a cluster, with files read and secrets filled in. */
export interface KafkaSecurityOptions {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions | Mechanism;
}

/**
 * Builds the security part of a kafkajs config. Fails with a sentence naming the missing piece
 * (a file that cannot be read, a password not stored), never with the secret itself. With
 * OAUTHBEARER the token is fetched when kafkajs first authenticates, and cached per client.
 */
export async function buildSecurityOptions(
  definition: ClusterDefinition,
  secrets: ClusterSecrets,
  /** How long one OAuth token request may take; keep it below the operation's own deadline. */
  tokenTimeoutMs?: number,
): Promise<KafkaSecurityOptions> {
  const options: KafkaSecurityOptions = {};
  const sasl = definition.sasl;
  if (sasl) {
    if (secrets.password === undefined) {
      const whose = sasl.mechanism === 'oauthbearer' ? `client secret is stored for the OAuth client "${sasl.clientId}"` : `password is stored for "${sasl.username}"`;
      throw new BrokerOperationError(`No ${whose} on ${definition.name}. Use "Edit Cluster" to enter it.`);
    }
    if (sasl.mechanism === 'oauthbearer') {
      const credentials = { tokenEndpoint: sasl.tokenEndpoint, clientId: sasl.clientId, clientSecret: secrets.password, scope: sasl.scope };
      options.sasl = oauthBearerMechanism(createTokenProvider(credentials, { timeoutMs: tokenTimeoutMs }), sasl.extensions);
    } else {
      // Each password mechanism takes the same fields; TypeScript does not distribute the union here.
      options.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: secrets.password } as SASLOptions;
    }
  }
  const tls = definition.tls;
  if (tls) {
    const [ca, cert, key] = await Promise.all([
      readPem(tls.caFile, 'CA certificate', definition.name),
      readPem(tls.certFile, 'client certificate', definition.name),
      readPem(tls.keyFile, 'client key', definition.name),
    ]);
    const ssl: ConnectionOptions = {};
    if (ca) {
      ssl.ca = [ca];
    }
    if (cert && key) {
      ssl.cert = cert;
      ssl.key = key;
      if (secrets.keyPassphrase) {
        ssl.passphrase = secrets.keyPassphrase;
      }
    } else if (cert || key) {
      throw new BrokerOperationError(`Mutual TLS on ${definition.name} needs both a client certificate and its key.`);
    }
    if (tls.skipVerify) {
      ssl.rejectUnauthorized = false;
      ssl.checkServerIdentity = () => undefined;
    }
    options.ssl = Object.keys(ssl).length > 0 ? ssl : true;
  }
  return options;
}

async function readPem(file: string | undefined, what: string, cluster: string): Promise<string | undefined> {
  if (!file) {
    return undefined;
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new BrokerOperationError(`Cannot read the ${what} file ${file} for ${cluster}: ${reason}.`);
  }
}
