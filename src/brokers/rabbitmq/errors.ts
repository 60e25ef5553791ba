/**
 * Errors of the RabbitMQ management HTTP API client, each with a `kind` the UI can branch on and a
 * sentence a user can act on. Nothing here imports `vscode`.
 */
import { BrokerOperationError } from '../../core/errors';

/**
 * What went wrong, from the network up:
 * - `bad-url`: the management URL is not an http(s) URL;
 * - `refused`: nothing listens at the host and port;
 * - `dns`: the host name does not resolve;
 * - `timeout`: no complete answer within the request timeout;
 * - `tls`: the TLS handshake failed (unknown CA, wrong host name, expired certificate, not TLS);
 * - `network`: the connection broke in another way (reset, closed early);
 * - `unauthorized`: 401, the user name or password was refused (or the user may not use the API);
 * - `vhost-not-allowed`: 401/403/404 on a vhost's path: it does not exist or the user has no permission on it;
 * - `forbidden`: 403 elsewhere;
 * - `not-found`: 404 elsewhere (an object that does not exist, or not a management API);
 * - `http`: another non-2xx status;
 * - `not-json`: a 2xx answer that is not the expected JSON (a proxy page, another server).
 */
export type ManagementErrorKind =
  | 'bad-url'
  | 'refused'
  | 'dns'
  | 'timeout'
  | 'tls'
  | 'network'
  | 'unauthorized'
  | 'vhost-not-allowed'
  | 'forbidden'
  | 'not-found'
  | 'http'
  | 'not-json';

/** A failed management API call; `message` (and `userMessage`) is the sentence to show. */
export class ManagementApiError extends BrokerOperationError {
  constructor(
    readonly kind: ManagementErrorKind,
    userMessage: string,
    /** The HTTP status when the server answered. */
    readonly status?: number,
    cause?: unknown,
  ) {
    super(userMessage, cause);
    this.name = 'ManagementApiError';
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Words a network-level failure of a request to `target` (host:port) in terms a user can act on. */
export function networkError(error: unknown, target: string, url: string): ManagementApiError {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') {
    return new ManagementApiError(
      'refused',
      `Nothing accepts connections at ${target}: is RabbitMQ running with the management plugin enabled (rabbitmq-plugins enable rabbitmq_management), and is the port the management port (usually 15672, not the AMQP port 5672)?`,
      undefined,
      error,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    const host = target.replace(/:\d+$/, '');
    return new ManagementApiError('dns', `The host name "${host}" could not be resolved: check the management URL (${url}).`, undefined, error);
  }
  if (typeof code === 'string' && (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    return new ManagementApiError(
      'tls',
      `The TLS connection to ${target} failed (${detail}): check the CA certificate (or skip verification, for a test server only), and that this port serves https.`,
      undefined,
      error,
    );
  }
  return new ManagementApiError('network', `The connection to the management API at ${target} failed: ${detail}.`, undefined, error);
}

/** The request did not finish within `timeoutMs`. */
export function timeoutError(target: string, timeoutMs: number): ManagementApiError {
  return new ManagementApiError(
    'timeout',
    `The management API at ${target} did not answer within ${Math.round(timeoutMs / 100) / 10} s: check the host and port, a firewall, or raise the request timeout.`,
  );
}

/** The server answered with a non-2xx status. `vhost` is set when the path names a vhost. */
export function statusError(status: number, body: string, what: string, vhost: string | undefined): ManagementApiError {
  const reason = serverReason(body);
  const said = reason ? ` (the server said: ${reason})` : '';
  // RabbitMQ answers 401 "Access refused." (not 403) when the user may log in but not use this vhost.
  // 3.10 says "User not authorised to access virtual host"; older ones "Access refused.".
  const loginRefused = status === 401 && (vhost === undefined || !/virtual host|vhost|access refused/i.test(reason ?? ''));
  if (loginRefused) {
    return new ManagementApiError('unauthorized', `The management API refused the user name or password${said}: check them, and that the user has a management tag (management, monitoring or administrator).`, status);
  }
  // The definitions export answers 400 "vhost_not_found" for a missing vhost.
  const missingVhost = status === 400 && /vhost_not_found/i.test(reason ?? '');
  if (vhost !== undefined && (status === 401 || status === 403 || status === 404 || missingVhost)) {
    return new ManagementApiError(
      'vhost-not-allowed',
      `The vhost "${vhost}" does not exist or this user has no permission on it${said}: check its name, or grant the user access to it.`,
      status,
    );
  }
  if (status === 403) {
    return new ManagementApiError('forbidden', `The management API refused ${what} for this user${said}: the user needs a higher management tag (monitoring or administrator).`, status);
  }
  if (status === 404) {
    return new ManagementApiError('not-found', `The management API has no ${what}${said}: check the name, and that the URL points at the management API (not a proxy or the AMQP port).`, status);
  }
  return new ManagementApiError('http', `The management API answered ${what} with HTTP ${status}${said}.`, status);
}

/** A 2xx answer whose body is not the JSON we asked for. */
export function notJsonError(url: string, contentType: string | undefined, body: string): ManagementApiError {
  const start = body.slice(0, 60).replace(/\s+/g, ' ').trim();
  return new ManagementApiError(
    'not-json',
    `The answer from ${url} is not JSON (${contentType ?? 'no content type'}${start ? `, starting "${start}"` : ', empty'}): check that the URL points at the RabbitMQ management API, not a proxy page or another server.`,
  );
}

function serverReason(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object') {
      const { reason, error } = parsed as { reason?: unknown; error?: unknown };
      const text = typeof reason === 'string' ? reason : typeof error === 'string' ? error : undefined;
      return text?.trim() || undefined;
    }
  } catch {
    // not JSON: no reason to quote
  }
  return undefined;
}
