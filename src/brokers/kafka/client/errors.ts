/**
 * Turns kafkajs failures into sentences a user can act on. kafkajs nests the real cause
 * (retries exceeded > connection error > ECONNREFUSED), so we walk the chain first.
 */

import { BrokerOperationError, BrokerTimeoutError } from '../../../core/errors';

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  originalError?: unknown;
  cause?: unknown;
  /** The broker's own words beside its error code (e.g. why a config value is invalid). */
  brokerMessage?: string;
  errors?: unknown[];
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** Every error in the chain, outermost first (bounded, because causes can be cyclic). */
export function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 20) {
    const current = asErrorLike(queue.shift());
    if (!current || chain.includes(current)) {
      continue;
    }
    chain.push(current);
    queue.push(current.originalError, current.cause, ...(Array.isArray(current.errors) ? current.errors : []));
  }
  return chain;
}

/**
 * Describes a failure of `operation` against `servers` in one actionable sentence.
 * Unknown errors keep their own message, so nothing is hidden.
 */
export function describeBrokerError(error: unknown, operation: string, servers: readonly string[]): string {
  const chain = errorChain(error);
  const where = servers.join(', ');
  const has = (predicate: (e: ErrorLike) => boolean): ErrorLike | undefined => chain.find(predicate);
  const text = (e: ErrorLike): string => `${e.name ?? ''} ${e.message ?? ''} ${String(e.code ?? '')}`;

  if (has((e) => e instanceof BrokerOperationError)) {
    return (chain.find((e) => e instanceof BrokerOperationError) as BrokerOperationError).userMessage;
  }
  const timeout = has((e) => e instanceof BrokerTimeoutError);
  if (timeout) {
    return `${operation} failed: no answer from ${where} within ${Math.round((timeout as BrokerTimeoutError).timeoutMs / 1000)} s. Is the broker running and reachable from this machine?`;
  }
  const protocol = has((e) => typeof e.type === 'string' && /^[A-Z_]+$/.test(e.type));
  if (protocol?.type) {
    const known = PROTOCOL_SENTENCES[protocol.type];
    const reason = known
      ? `${known}${protocol.brokerMessage ? ` (${protocol.brokerMessage.replace(/\.$/, '')})` : ''}`
      : `the broker answered ${protocol.type}${protocol.message ? ` (${protocol.message})` : ''}`;
    return `${operation} failed: ${reason}.`;
  }
  if (has((e) => /ENOTFOUND|EAI_AGAIN/.test(text(e)))) {
    return `${operation} failed: the host name in ${where} could not be resolved (DNS). Check the bootstrap servers.`;
  }
  if (has((e) => /ECONNREFUSED/.test(text(e)))) {
    return `${operation} failed: connection to ${where} was refused. Is the broker running on that port?`;
  }
  if (has((e) => /EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|Connection timeout/i.test(text(e)))) {
    return `${operation} failed: ${where} could not be reached (timed out). Check the address and any firewall or VPN.`;
  }
  const closed = closedSentence(chain, where);
  if (closed) {
    return `${operation} failed: ${closed}`;
  }
  const sasl = has((e) => e.name === 'KafkaJSSASLAuthenticationError');
  if (sasl) {
    return `${operation} failed: ${saslSentence(sasl.message ?? '')}`;
  }
  if (has((e) => /self.signed|certificate|SSL|TLS/i.test(text(e)))) {
    return `${operation} failed: the TLS handshake with ${where} failed (${chain[chain.length - 1]?.message ?? 'certificate problem'}).`;
  }
  if (has((e) => e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSTimeout')) {
    return `${operation} failed: the broker at ${where} did not answer in time.`;
  }
  const innermost = chain[chain.length - 1] ?? chain[0];
  return `${operation} failed: ${innermost?.message ?? String(error)}`;
}

/**
 * A connection the other side closed or reset. The address answers, so the usual cause is a
 * listener that speaks another security protocol than this client: TLS against a plaintext
 * listener (the TLS handshake is cut), or plaintext against a TLS or SASL listener (the broker
 * drops the first request it cannot accept).
 */
function closedSentence(chain: ErrorLike[], where: string): string | undefined {
  const text = (e: ErrorLike): string => `${e.name ?? ''} ${e.message ?? ''} ${String(e.code ?? '')}`;
  if (chain.some((e) => /before secure TLS connection was established|wrong version number|EPROTO/i.test(text(e)))) {
    return (
      `${where} closed the connection during the TLS handshake: this cluster connects with TLS, and that port looks like a plaintext listener. ` +
      "Check the port against the broker's listeners (TLS is SSL:// or SASL_SSL://), or turn TLS off for this cluster."
    );
  }
  if (chain.some((e) => e.name === 'KafkaJSConnectionClosedError' || /Closed connection|ECONNRESET|socket hang up/i.test(text(e)))) {
    return (
      `${where} closed the connection: the port answers but dropped the request. Check that it is the Kafka listener you mean and whether that listener requires TLS or SASL ` +
      "(a plaintext client on a TLS or SASL listener, or a TLS client on a plaintext one, ends like this); compare with the broker's listeners and this cluster's TLS and SASL settings."
    );
  }
  return undefined;
}

/** Why SASL authentication failed: the mechanism is not offered, an OAuth token was refused, or the credentials. */
function saslSentence(message: string): string {
  const unsupported = /SASL (\S+) mechanism is not supported by the server/.exec(message);
  if (unsupported) {
    return `the broker does not offer SASL/${unsupported[1]} on this listener. Choose the mechanism the cluster is configured for.`;
  }
  const oauth = /OAUTHBEARER authentication failed: the broker answered (\S+)/.exec(message);
  if (oauth) {
    return `the broker rejected the OAuth token (${oauth[1]}). Check that the cluster trusts tokens from this token endpoint and client (issuer, audience, scope).`;
  }
  return 'the broker rejected the credentials. Check the user name, password and SASL mechanism.';
}

/** Protocol error types users meet, in words (the broker's codes are in the log). */
const PROTOCOL_SENTENCES: Record<string, string> = {
  TOPIC_ALREADY_EXISTS: 'a topic with that name already exists',
  INVALID_TOPIC_EXCEPTION: 'the broker refused the topic name',
  INVALID_REPLICATION_FACTOR: 'the replication factor is larger than the number of available brokers',
  INVALID_PARTITIONS: 'the number of partitions must be at least 1',
  UNKNOWN_TOPIC_OR_PARTITION: 'the topic does not exist on this cluster',
  MESSAGE_TOO_LARGE: "the message is larger than the topic's max.message.bytes",
  RECORD_LIST_TOO_LARGE: "the batch is larger than the broker's limit",
  TOPIC_AUTHORIZATION_FAILED:
    "you are not authorized to use this topic. Ask the cluster's administrator for an ACL on it (WRITE to produce, READ to consume, DESCRIBE to inspect), or connect as another user",
  CLUSTER_AUTHORIZATION_FAILED:
    "you are not authorized to perform this operation on the cluster. Ask the cluster's administrator for the cluster ACL it needs, or connect as another user",
  GROUP_AUTHORIZATION_FAILED:
    "you are not authorized to use this consumer group. Ask the cluster's administrator for a READ ACL on the group, or connect as another user",
  SASL_AUTHENTICATION_FAILED: 'the broker refused the authentication. Check the SASL mechanism and its settings',
  POLICY_VIOLATION: "the cluster's create-topic policy refused the request",
  INVALID_CONFIG: 'a configuration value is invalid',
  NOT_CONTROLLER: 'the cluster controller moved; try again',
  LEADER_NOT_AVAILABLE: 'a partition has no leader right now; try again in a moment',
};
