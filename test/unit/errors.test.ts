import * as assert from 'node:assert/strict';
import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { BrokerOperationError, BrokerTimeoutError } from '../../src/core/errors';
import { describeBrokerError } from '../../src/brokers/kafka/client/errors';
import { messageBytes, tooLargeSentence } from '../../src/brokers/kafka/produce/messageSize';

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

  it('explains a closed connection: the listener, TLS or SASL do not match, instead of "Closed connection"', () => {
    const closed = new KafkaJSNumberOfRetriesExceeded(Object.assign(new Error('Closed connection'), { name: 'KafkaJSConnectionClosedError' }), { retryCount: 0, retryTime: 0 });
    const sentence = describeBrokerError(closed, 'Listing topics', servers);
    assert.match(sentence, /^Listing topics failed: localhost:9092 closed the connection: the port answers but dropped the request\. /);
    assert.match(sentence, /requires TLS or SASL \(a plaintext client on a TLS or SASL listener, or a TLS client on a plaintext one, ends like this\)/);
    assert.match(describeBrokerError(socketError('ECONNRESET'), 'Listing topics', servers), /closed the connection: the port answers/);
  });

  it('explains a TLS handshake cut by a plaintext listener', () => {
    const cut = new KafkaJSConnectionError(Object.assign(new Error('Client network socket disconnected before secure TLS connection was established'), { code: 'ECONNRESET' }));
    assert.equal(
      describeBrokerError(cut, 'Listing topics', servers),
      "Listing topics failed: localhost:9092 closed the connection during the TLS handshake: this cluster connects with TLS, and that port looks like a plaintext listener. Check the port against the broker's listeners (TLS is SSL:// or SASL_SSL://), or turn TLS off for this cluster.",
    );
  });
});

describe('tooLargeSentence', () => {
  it('gives the message size against the topic limit and where the limit comes from', () => {
    assert.equal(
      tooLargeSentence('Producing to "t"', 't', { bytes: 2_000_000, count: 1 }, { bytes: 1_048_588, origin: 'default' }),
      'Producing to "t" failed: the message is 2,000,000 bytes, larger than max.message.bytes of topic "t": 1,048,588 bytes (the broker\'s default) (Kafka adds about 70 bytes of framing to a batch). Make the message smaller or compress it, or raise max.message.bytes on the topic (Edit Config).',
    );
    assert.match(
      tooLargeSentence('Producing to "t"', 't', { bytes: 5_100, count: 3, largest: 2_000, framed: true }, { bytes: 4_096, origin: 'topic' }),
      /the 3 messages sent together are 5,100 bytes as a record batch \(the largest 2,000\), larger than max\.message\.bytes of topic "t": 4,096 bytes \(set on the topic\)\. Send fewer/,
    );
    assert.match(tooLargeSentence('P', 't', { bytes: 10, count: 1 }, undefined), /its value could not be read/);
  });

  it('counts key, value and header bytes in either header shape', () => {
    assert.equal(messageBytes({ key: 'ké', value: 'abc', headers: { h: 'vv' } }), 3 + 3 + 1 + 2);
    assert.equal(messageBytes({ value: null, headers: [{ name: 'h', value: Buffer.from([1, 2]) }, { name: 'h', value: null }] }), 1 + 2 + 1);
  });
});
