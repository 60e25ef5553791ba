/**
 * Extra, secured listeners for harness brokers, beside the PLAINTEXT one the harness itself uses:
 * SASL (SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER accepting unsigned
 * test tokens), SSL (server certificate only) and MTLS (SSL requiring a client certificate).
 */
import type { TlsMaterial } from './tlsMaterial';

export interface SaslUser {
  name: string;
  password: string;
}

export interface HarnessSecurity {
  /** Users for the SASL listener: PLAIN users in the JAAS config, SCRAM users created at format time. */
  saslUsers?: SaslUser[];
  /** Certificates for the SSL and MTLS listeners. */
  tls?: TlsMaterial;
  /**
   * ACLs enforced (KRaft's StandardAuthorizer, deny when no ACL matches). The PLAINTEXT and
   * controller listeners authenticate no one (User:ANONYMOUS), so that principal is a super user:
   * the harness, kcat and tests' admin clients keep full rights; SASL and TLS users get only what
   * a test grants them.
   */
  authorizer?: boolean;
}

/** Ports of the secured listeners of one node (only those configured). */
export interface SecuredPorts {
  saslPort?: number;
  sslPort?: number;
  mtlsPort?: number;
}

/** How many extra ports a node needs for `security`. */
export function extraPortCount(security: HarnessSecurity | undefined): number {
  return (security?.saslUsers ? 1 : 0) + (security?.tls ? 2 : 0);
}

/** Assigns the extra ports in a fixed order: SASL, SSL, MTLS. */
export function assignSecuredPorts(security: HarnessSecurity | undefined, ports: number[]): SecuredPorts {
  const queue = [...ports];
  return {
    ...(security?.saslUsers ? { saslPort: queue.shift() } : {}),
    ...(security?.tls ? { sslPort: queue.shift(), mtlsPort: queue.shift() } : {}),
  };
}

/** JAAS values are double-quoted; the harness only ever uses simple names and passwords. */
function quoted(value: string): string {
  if (/["\\]/.test(value)) {
    throw new Error(`harness SASL names and passwords may not contain quotes or backslashes: ${value}`);
  }
  return `"${value}"`;
}

/** server.properties entries that add the secured listeners to a node's base config. */
export function securedListenerProperties(
  base: Record<string, string>,
  security: HarnessSecurity | undefined,
  ports: SecuredPorts,
): Record<string, string> {
  if (!security || (!security.saslUsers && !security.tls)) {
    return {};
  }
  const listeners = [base.listeners];
  const advertised = [base['advertised.listeners']];
  const protocols = [base['listener.security.protocol.map']];
  const extra: Record<string, string> = {};
  if (security.saslUsers && ports.saslPort) {
    listeners.push(`SASL://127.0.0.1:${ports.saslPort}`);
    advertised.push(`SASL://127.0.0.1:${ports.saslPort}`);
    protocols.push('SASL:SASL_PLAINTEXT');
    const plainUsers = security.saslUsers.map((u) => `user_${u.name}=${quoted(u.password)}`).join(' ');
    Object.assign(extra, {
      'listener.name.sasl.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
      'listener.name.sasl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
      'listener.name.sasl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      // No validator class configured: Kafka's unsecured validator, which accepts unsigned JWTs
      // ({"alg":"none"}, "sub" as the principal, "exp" in seconds), as test/harness/tokenServer.ts issues.
      'listener.name.sasl.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    });
  }
  if (security.tls && ports.sslPort && ports.mtlsPort) {
    const tls = security.tls;
    listeners.push(`SSL://127.0.0.1:${ports.sslPort}`, `MTLS://127.0.0.1:${ports.mtlsPort}`);
    advertised.push(`SSL://127.0.0.1:${ports.sslPort}`, `MTLS://127.0.0.1:${ports.mtlsPort}`);
    protocols.push('SSL:SSL', 'MTLS:SSL');
    for (const listener of ['ssl', 'mtls']) {
      Object.assign(extra, {
        [`listener.name.${listener}.ssl.keystore.type`]: 'PKCS12',
        [`listener.name.${listener}.ssl.keystore.location`]: tls.brokerKeystore,
        [`listener.name.${listener}.ssl.keystore.password`]: tls.storePassword,
        [`listener.name.${listener}.ssl.key.password`]: tls.storePassword,
      });
    }
    Object.assign(extra, {
      'listener.name.mtls.ssl.client.auth': 'required',
      'listener.name.mtls.ssl.truststore.type': 'PKCS12',
      'listener.name.mtls.ssl.truststore.location': tls.brokerTruststore,
      'listener.name.mtls.ssl.truststore.password': tls.storePassword,
    });
  }
  if (security.authorizer) {
    Object.assign(extra, {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:ANONYMOUS',
      'allow.everyone.if.no.acl.found': 'false',
    });
  }
  return {
    ...extra,
    listeners: listeners.join(','),
    'advertised.listeners': advertised.join(','),
    'listener.security.protocol.map': protocols.join(','),
  };
}

/** StorageTool arguments that create the SCRAM credentials at format time (KRaft has no ZooKeeper to hold them). */
export function scramFormatArgs(security: HarnessSecurity | undefined): string[] {
  return (security?.saslUsers ?? []).flatMap((u) => [
    '--add-scram',
    `SCRAM-SHA-256=[name=${u.name},password=${u.password}]`,
    '--add-scram',
    `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`,
  ]);
}
