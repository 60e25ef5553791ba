/**
 * The AMQP side of "test the connection before saving": opens one AMQP 0-9-1 connection with
 * amqplib, reads what the server says it is, closes it, and words every failure so the user knows
 * what to change (address, credentials, virtual host, TLS). Nothing here imports `vscode`.
 */
import { isIP } from 'node:net';
import * as amqp from 'amqplib';

export interface AmqpCheckOptions {
  /** amqp://host:port or amqps://host:port (credentials and vhost are given apart). */
  url: string;
  vhost: string;
  username: string;
  password: string;
  /** For amqps: a custom CA (PEM text), mutual TLS (PEM texts), or no verification (unsafe). */
  tls?: { ca?: string; cert?: string; key?: string; passphrase?: string; skipVerification?: boolean };
  timeoutMs: number;
}

export type AmqpCheckFailure = 'bad-url' | 'refused' | 'dns' | 'timeout' | 'tls' | 'credentials' | 'vhost' | 'network';

export type AmqpCheckResult =
  | { ok: true; product: string; version: string; clusterName?: string }
  | { ok: false; kind: AmqpCheckFailure; message: string };

/** Connects once and answers what the server is, or why it could not connect; never throws. */
export async function checkAmqpConnection(options: AmqpCheckOptions): Promise<AmqpCheckResult> {
  let target: URL;
  try {
    target = new URL(options.url);
  } catch {
    return { ok: false, kind: 'bad-url', message: `"${options.url}" is not a URL: use amqp://host:5672 or amqps://host:5671.` };
  }
  if (target.protocol !== 'amqp:' && target.protocol !== 'amqps:') {
    return { ok: false, kind: 'bad-url', message: `"${options.url}" is not an AMQP URL: use amqp://host:5672 or amqps://host:5671.` };
  }
  const where = `${target.hostname}:${target.port || (target.protocol === 'amqps:' ? '5671' : '5672')}`;
  const tls = options.tls ?? {};
  try {
    const connection = await amqp.connect(
      {
        protocol: target.protocol.slice(0, -1),
        hostname: target.hostname,
        port: Number(target.port || (target.protocol === 'amqps:' ? 5671 : 5672)),
        username: options.username,
        password: options.password,
        vhost: options.vhost,
      },
      {
        noDelay: true,
        timeout: options.timeoutMs,
        ...(target.protocol === 'amqps:'
          ? { ca: tls.ca ? [tls.ca] : undefined, cert: tls.cert, key: tls.key, passphrase: tls.passphrase, rejectUnauthorized: tls.skipVerification !== true, ...(isIP(target.hostname) ? {} : { servername: target.hostname }) }
          : {}),
      },
    );
    const properties = connection.connection.serverProperties as Record<string, unknown>;
    await connection.close().catch(() => undefined);
    const text = (name: string): string | undefined => (typeof properties[name] === 'string' ? properties[name] : undefined);
    return { ok: true, product: text('product') ?? 'AMQP server', version: text('version') ?? 'unknown', clusterName: text('cluster_name') };
  } catch (error) {
    return { ok: false, ...describeAmqpError(error, where, options) };
  }
}

/** The kind and sentence for an amqplib connect failure. */
export function describeAmqpError(error: unknown, where: string, options: Pick<AmqpCheckOptions, 'vhost' | 'username' | 'timeoutMs'>): { kind: AmqpCheckFailure; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const text = typeof e.message === 'string' ? e.message : String(error);
  if (code === 'ECONNREFUSED') {
    return { kind: 'refused', message: `Connection to ${where} was refused: is RabbitMQ running there, and is that its AMQP port (5672, or 5671 with TLS)?` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { kind: 'dns', message: `The host name of ${where} does not resolve: check its spelling, or use an IP address.` };
  }
  if (code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out/i.test(text)) {
    return {
      kind: 'timeout',
      message: `No AMQP answer from ${where} within ${Math.round(options.timeoutMs / 1000)} s: check that this is the AMQP port (not the management port 15672), that a firewall lets it through, and that TLS (amqps) is used only where the server expects it.`,
    };
  }
  if (/^ERR_SSL|^ERR_TLS|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /SSL routines|certificate/i.test(text)) {
    return {
      kind: 'tls',
      message: `The TLS handshake with ${where} failed (${code || text}): use amqps only on a TLS listener (usually 5671), and give the CA that signed the server's certificate.`,
    };
  }
  if (/ACCESS[-_]REFUSED/.test(text)) {
    return { kind: 'credentials', message: `RabbitMQ refused the user name or password of "${options.username}" (ACCESS_REFUSED). Check them, and that the user exists on this server.` };
  }
  if (/ConnectionOpenOk|NOT[-_]ALLOWED|vhost/i.test(text)) {
    return {
      kind: 'vhost',
      message: `The virtual host "${options.vhost}" does not exist, or "${options.username}" has no permission on it. Check the name (the default is "/"), or ask for permissions.`,
    };
  }
  return { kind: 'network', message: `Connecting to ${where} failed: ${text}` };
}
