/**
 * A tiny OAuth 2.0 token endpoint for tests (client-credentials grant only): it issues the
 * unsigned JWTs that Kafka's default (unsecured) OAUTHBEARER validator accepts, to one client id
 * and secret, and answers 401 invalid_client to anyone else; /no-token answers 200 without a token.
 * It counts the requests it gets.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServerOptions {
  clientId: string;
  clientSecret: string;
  /** The token lifetime, "expires_in" in seconds (default 3600). */
  lifetimeSeconds?: number;
}

export interface TokenServer {
  /** The token endpoint URL, http://127.0.0.1:<port>/token. */
  readonly url: string;
  /** Requests received so far (any outcome). */
  readonly requests: number;
  /** Tokens issued so far. */
  readonly issued: number;
  /** The decoded form bodies received, in order. */
  readonly forms: URLSearchParams[];
  /** While down, every request gets 503 temporarily_unavailable (an identity provider restarting). */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

/** An unsigned JWT (`header.payload.`) for `subject`, valid for `lifetimeSeconds`. */
export function unsignedJwt(subject: string, lifetimeSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: subject, iat: now, exp: now + lifetimeSeconds })}.`;
}

/** Starts the token server on a free port of 127.0.0.1 (port 0: the OS picks one, no race). */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const lifetime = options.lifetimeSeconds ?? 3600;
  const expected = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;
  const state = { requests: 0, issued: 0, forms: [] as URLSearchParams[], down: false };
  const server = http.createServer((req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      state.forms.push(form);
      const answer = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (state.down) {
        answer(503, { error: 'temporarily_unavailable' });
      } else if (req.url === '/no-token') {
        answer(200, { token_type: 'Bearer', note: 'an endpoint that is not a token endpoint' });
      } else if (req.method !== 'POST' || req.url !== '/token' || form.get('grant_type') !== 'client_credentials') {
        answer(400, { error: 'unsupported_grant_type' });
      } else if (req.headers.authorization !== expected) {
        answer(401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' });
      } else {
        state.issued++;
        answer(200, { access_token: unsignedJwt(options.clientId, lifetime), token_type: 'Bearer', expires_in: lifetime });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    get requests() {
      return state.requests;
    },
    get issued() {
      return state.issued;
    },
    forms: state.forms,
    setDown: (down) => {
      state.down = down;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
