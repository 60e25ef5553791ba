/**
 * OAuth 2.0 client-credentials tokens for SASL/OAUTHBEARER (RFC 6749 section 4.4). kafkajs asks
 * for a token on every connection it authenticates; one provider per client caches the token and
 * shares a request in flight, so the identity provider sees one request per token lifetime.
 */

import { BrokerOperationError } from '../../../core/errors';

/** Where and as whom to ask for tokens. */
export interface ClientCredentials {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** What kafkajs' `oauthBearerProvider` returns. */
export interface BearerToken {
  value: string;
}

export interface TokenProviderOptions {
  /** How long one token request may take (default 5 s). */
  timeoutMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** A token-endpoint failure; not retriable by kafkajs (a wrong secret stays wrong), worded for the user. */
export class TokenEndpointError extends BrokerOperationError {
  readonly retriable = false;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Refresh this long before the token expires (capped at a tenth of short lifetimes). */
const REFRESH_MARGIN_MS = 60_000;

/** RFC 6749 2.3.1: the client id and secret are form-encoded before they go into the Basic header. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The POST of a client-credentials token request: headers and form body. Pure. */
export function clientCredentialsRequest(credentials: ClientCredentials): { headers: Record<string, string>; body: string } {
  const basic = Buffer.from(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`).toString('base64');
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (credentials.scope?.trim()) {
    form.set('scope', credentials.scope.trim());
  }
  return {
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: form.toString(),
  };
}

/**
 * Until when (ms since epoch) a token issued at `now` may be reused: shortly before `expires_in`
 * runs out. Without a usable `expires_in` the token is not cached (0), so it is never served stale.
 */
export function reusableUntil(expiresInSeconds: unknown, now: number): number {
  const lifetimeMs = Number(expiresInSeconds) * 1000;
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
    return 0;
  }
  return now + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10);
}

/**
 * A kafkajs `oauthBearerProvider` for one client: fetches a token with the client-credentials
 * grant, reuses it until shortly before it expires, and fails with a TokenEndpointError naming
 * the endpoint (never the secret).
 */
export function createTokenProvider(credentials: ClientCredentials, options: TokenProviderOptions = {}): () => Promise<BearerToken> {
  const now = options.now ?? Date.now;
  let cached: { value: string; until: number } | undefined;
  let inFlight: Promise<BearerToken> | undefined;
  return () => {
    if (cached && now() < cached.until) {
      return Promise.resolve({ value: cached.value });
    }
    inFlight ??= requestToken(credentials, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
      .then(({ value, expiresIn }) => {
        cached = { value, until: reusableUntil(expiresIn, now()) };
        return { value };
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

async function requestToken(credentials: ClientCredentials, timeoutMs: number): Promise<{ value: string; expiresIn: unknown }> {
  const url = credentials.tokenEndpoint;
  const { headers, body } = clientCredentialsRequest(credentials);
  const fail = (reason: string, cause?: unknown) =>
    new TokenEndpointError(`Getting an OAuth token failed: ${hideSecret(reason, credentials.clientSecret)}`, cause);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw fail(unreachableReason(error, url, timeoutMs), error);
  }
  const text = await response.text().catch(() => '');
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    json = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const code = typeof json?.error === 'string' ? json.error : undefined;
    // Keycloak answers a wrong secret with 401 unauthorized_client, hence the status first.
    if (response.status === 401 || code === 'invalid_client') {
      throw fail(
        `the token endpoint ${url} rejected the client id or secret (HTTP ${response.status}${code ? ` ${code}` : ''}). Check the client id "${credentials.clientId}" and its secret.`,
      );
    }
    if (code === 'unauthorized_client') {
      throw fail(
        `the token endpoint ${url} does not allow the client "${credentials.clientId}" the client-credentials grant (unauthorized_client). Enable it for this client (Keycloak: "Service accounts roles").`,
      );
    }
    if (response.status >= 500) {
      throw fail(`the token endpoint ${url} is unavailable (HTTP ${response.status}${code ? ` ${code}` : ''}). Try again in a moment.`);
    }
    const described = typeof json?.error_description === 'string' ? `: ${json.error_description}` : '';
    throw fail(
      `the token endpoint ${url} answered HTTP ${response.status}${code ? ` ${code}${described}` : ''}. Check the token endpoint URL${code === 'invalid_scope' ? ' and the scope' : ''}.`,
    );
  }
  if (typeof json?.access_token !== 'string' || !json.access_token) {
    throw fail(
      `the answer of ${url} has no access_token. Is it the OAuth 2.0 token endpoint (for Keycloak: …/realms/<realm>/protocol/openid-connect/token)?`,
    );
  }
  return { value: json.access_token, expiresIn: json.expires_in };
}

/** Why fetch failed, in words: refused, unknown host, timed out, TLS, or the innermost message. */
function unreachableReason(error: unknown, url: string, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return `the token endpoint ${url} did not answer within ${Math.round(timeoutMs / 1000)} s. Is it reachable from this machine?`;
  }
  const code = err.cause?.code ?? '';
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name could not be resolved'
        : /CERT|SSL|TLS|UNABLE_TO_VERIFY|SIGNATURE/i.test(code)
          ? `TLS failed: ${err.cause?.message ?? code}`
          : (err.cause?.message ?? err.message ?? String(error));
  return `cannot reach the token endpoint ${url} (${why}). Check the URL and that it is reachable from this machine.`;
}

function hideSecret(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('***') : text;
}
