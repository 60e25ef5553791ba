import * as assert from 'node:assert/strict';
import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { BrokerOperationError, BrokerTimeoutError } from '../../src/core/errors';
import { describeBrokerError } from '../../src/brokers/kafka/client/errors';

const servers = ['localhost:9092'];

/** kafkajs wraps the socket error the way its connection layer does. */
function socketError(code: string): Error {
  const inner = Object.assign(new Error(`connect ${code} 127.0.0.1:9092`), { code });
  const connection = new KafkaJSConnectionError(inner);
  return new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 2, retryTime: 400 });
}

/** What kafkajs' protocol decoder throws: the broker's error type travels on the error object. */
function protocolError(message: string, type: string): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code: 1, retriable: false }));
}

describe('describeBrokerError', () => {
  it('finds a refused connection under the retry wrapper', () => {
    assert.equal(
      describeBrokerError(socketError('ECONNREFUSED'), 'Listing topics', servers),
      'Listing topics failed: connection to localhost:9092 was refused. Is the broker running on that port?',
    );
  });

  it('tells DNS failures apart', () => {
    assert.match(describeBrokerError(socketError('ENOTFOUND'), 'Listing topics', servers), /could not be resolved \(DNS\)/);
  });

  it('words known protocol errors', () => {
    const error = protocolError('Replication factor: 3 larger than available brokers: 1.', 'INVALID_REPLICATION_FACTOR');
    assert.equal(
      describeBrokerError(error, 'Creating topic "t"', servers),
      'Creating topic "t" failed: the replication factor is larger than the number of available brokers.',
    );
  });

  it('keeps an unknown protocol error visible', () => {
    const error = protocolError('odd', 'SOMETHING_NEW');
    assert.equal(describeBrokerError(error, 'X', servers), 'X failed: the broker answered SOMETHING_NEW (odd).');
  });

  it('says credentials were rejected', () => {
    // kafkajs' typings omit the constructor argument its implementation takes.
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const error = new SaslError('SASL PLAIN authentication failed');
    assert.match(describeBrokerError(error, 'Connecting', servers), /rejected the credentials/);
  });

  it('reports our own timeout with its duration', () => {
    assert.equal(
      describeBrokerError(new BrokerTimeoutError('Listing topics', 10_000), 'Listing topics', servers),
      'Listing topics failed: no answer from localhost:9092 within 10 s. Is the broker running and reachable from this machine?',
    );
  });

  it('passes an already worded error through unchanged', () => {
    assert.equal(describeBrokerError(new BrokerOperationError('Exactly this.'), 'X', servers), 'Exactly this.');
  });

  it('tells an OAuth token refused by the broker and an unoffered mechanism apart from wrong credentials', () => {
    const sasl = (message: string) => new KafkaJSNumberOfRetriesExceeded(Object.assign(new Error(message), { name: 'KafkaJSSASLAuthenticationError' }), { retryCount: 0, retryTime: 0 });
    assert.equal(
      describeBrokerError(sasl('SASL OAUTHBEARER authentication failed: the broker answered invalid_token'), 'Listing topics', servers),
      'Listing topics failed: the broker rejected the OAuth token (invalid_token). Check that the cluster trusts tokens from this token endpoint and client (issuer, audience, scope).',
    );
    assert.equal(
      describeBrokerError(sasl('SASL OAUTHBEARER mechanism is not supported by the server'), 'Listing topics', servers),
      'Listing topics failed: the broker does not offer SASL/OAUTHBEARER on this listener. Choose the mechanism the cluster is configured for.',
    );
  });
});
