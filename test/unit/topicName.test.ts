import * as assert from 'node:assert/strict';
import { MAX_TOPIC_NAME_LENGTH, findMetricCollision, parseConfigList, validateTopicName } from '../../src/brokers/kafka/admin/topicName';

describe('validateTopicName', () => {
  it('accepts the characters Kafka allows', () => {
    assert.equal(validateTopicName('orders.v1_EU-west'), undefined);
    assert.equal(validateTopicName('a'.repeat(MAX_TOPIC_NAME_LENGTH)), undefined);
  });

  it('refuses empty, reserved and overlong names with the reason', () => {
    assert.match(validateTopicName('') ?? '', /cannot be empty/);
    assert.match(validateTopicName('.') ?? '', /reserved/);
    assert.match(validateTopicName('..') ?? '', /reserved/);
    assert.match(validateTopicName('a'.repeat(250)) ?? '', /at most 249 characters; this one has 250/);
  });

  it('names each illegal character once', () => {
    assert.equal(
      validateTopicName('my topic/with spaces'),
      'A topic name may contain only letters, digits, ".", "_" and "-"; found space, "/".',
    );
    assert.match(validateTopicName('ünïcode') ?? '', /"ü", "ï"/);
  });
});

describe('findMetricCollision', () => {
  it('finds a topic that differs only by "." versus "_"', () => {
    assert.equal(findMetricCollision('a.b', ['x', 'a_b']), 'a_b');
    assert.equal(findMetricCollision('a_b', ['a.b']), 'a.b');
  });

  it('ignores the same name and unrelated names', () => {
    assert.equal(findMetricCollision('a.b', ['a.b', 'ab', 'a-b']), undefined);
  });
});

describe('parseConfigList', () => {
  it('reads name=value pairs separated by commas', () => {
    assert.deepEqual(parseConfigList(' cleanup.policy=compact , retention.ms = 86400000 '), {
      'cleanup.policy': 'compact',
      'retention.ms': '86400000',
    });
    assert.deepEqual(parseConfigList(''), {});
  });

  it('names the malformed pair', () => {
    assert.equal(parseConfigList('retention.ms=1, compact'), '"compact" is not name=value.');
  });
});
