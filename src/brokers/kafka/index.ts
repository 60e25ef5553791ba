/**
 * The Kafka broker kind: kafkajs behind the neutral client and its capabilities. The only module
 * of this folder the registry imports; nothing else in the extension imports the folder.
 */
import type { BrokerKindDefinition } from '../../core/brokerKind';
import { COMMON_TOPIC_CONFIGS, findMetricCollision, parseConfigList, validateTopicName } from './admin/topicName';
import { KafkaClusterClient } from './client/kafkaClient';
import { COMPRESSION_NAMES } from './codecs/codecs';
import { keyPartitioner } from './produce/partitioner';

export const kafkaKind: BrokerKindDefinition = {
  kind: 'kafka',
  title: 'Apache Kafka',
  createClient: (definition, options) => new KafkaClusterClient(definition, options),
  destinations: {
    noun: 'topic',
    validateName: validateTopicName,
    findCollision: findMetricCollision,
    commonSettings: COMMON_TOPIC_CONFIGS,
    parseSettings: parseConfigList,
  },
  produce: {
    compressionNames: COMPRESSION_NAMES,
    partitionerFor: keyPartitioner,
  },
};

export { kafkaLocalRuntime, type KafkaLocalRuntime } from './local/runtime';
