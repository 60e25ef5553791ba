/**
 * What the Local Kafka service (src/local) uses to run Kafka without Docker: Java detection, the
 * jar manifests and their download, the broker process. Handed to the service by the extension's
 * wiring, so the service never imports this folder.
 */
import { detectJava } from './java';
import { LocalBroker } from './localBroker';
import { DEFAULT_LOCAL_KAFKA_VERSION, manifestFor } from './manifest';
import { MAVEN_CENTRAL, downloadKafka, isComplete } from './mavenDownloader';
import { localKafkaPaths } from './paths';

export const kafkaLocalRuntime = {
  detectJava,
  createBroker: (...args: ConstructorParameters<typeof LocalBroker>) => new LocalBroker(...args),
  defaultVersion: DEFAULT_LOCAL_KAFKA_VERSION,
  manifestFor,
  mavenCentral: MAVEN_CENTRAL,
  downloadKafka,
  isComplete,
  paths: localKafkaPaths,
};

export type KafkaLocalRuntime = typeof kafkaLocalRuntime;
