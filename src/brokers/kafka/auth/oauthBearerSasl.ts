/**
 * SASL/OAUTHBEARER (RFC 7628) as a kafkajs custom authentication mechanism (its public
 * `authenticationProvider` API). kafkajs' built-in OAUTHBEARER treats the broker's error
 * challenge (`{"status":"invalid_token"}`) as success, so a rejected token later surfaces as
 * "No brokers in the broker pool". This one reads the broker's answer, completes the exchange as
 * RFC 7628 3.2.3 asks (a single 0x01), and fails with a SASL authentication error naming the status.
 */

import { type AuthenticationProviderArgs, KafkaJSSASLAuthenticationError, type Mechanism } from 'kafkajs';
import type { BearerToken } from './oauthToken';

const SOH = '\u0001';

/** kafkajs 2.2.4's typings declare this error's constructor without arguments; it takes the message. */
const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

/** Kafka SASL bytes: a 4-byte big-endian length, then the payload. */
function sizePrefixed(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** The client's initial response: GS2 header, the bearer token, then any extensions (name=value). Pure. */
export function initialClientResponse(token: string, extensions: Record<string, string> = {}): string {
  const pairs = Object.entries(extensions).map(([key, value]) => `${SOH}${key}=${value}`);
  return `n,,${SOH}auth=Bearer ${token}${pairs.join('')}${SOH}${SOH}`;
}

/** The broker's error status in a server challenge (`{"status":"invalid_token",...}`), or undefined on success. Pure. */
export function challengeStatus(challenge: string): string | undefined {
  if (!challenge.trim()) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(challenge) as { status?: unknown };
    return typeof parsed.status === 'string' ? parsed.status : 'an error';
  } catch {
    return 'an error';
  }
}

const challengeResponse = {
  decode: (raw: Buffer): Buffer => {
    const size = raw.length >= 4 ? raw.readInt32BE(0) : -1;
    return size > 0 ? raw.subarray(4, 4 + size) : Buffer.alloc(0);
  },
  parse: (data: Buffer): string => data.toString('utf8'),
};

/** The kafkajs `sasl` option for OAUTHBEARER with tokens from `provider` and optional SASL extensions. */
export function oauthBearerMechanism(provider: () => Promise<BearerToken>, extensions?: Record<string, string>): Mechanism {
  return {
    mechanism: 'oauthbearer',
    authenticationProvider: ({ host, port, logger, saslAuthenticate }: AuthenticationProviderArgs) => ({
      authenticate: async () => {
        const token = await provider();
        const request = (payload: string) => ({ encode: () => Promise.resolve(sizePrefixed(payload)) });
        const challenge = await saslAuthenticate({ request: request(initialClientResponse(token.value, extensions)), response: challengeResponse });
        const status = challengeStatus(typeof challenge === 'string' ? challenge : '');
        if (status === undefined) {
          logger.debug('SASL OAUTHBEARER authentication successful', { broker: `${host}:${port}` });
          return;
        }
        // The broker waits for the client's acknowledgement before it ends the exchange.
        await saslAuthenticate({ request: request(SOH) }).catch(() => undefined);
        throw new SaslAuthenticationError(`SASL OAUTHBEARER authentication failed: the broker answered ${status}`);
      },
    }),
  };
}
