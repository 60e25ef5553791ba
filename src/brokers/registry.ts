/**
 * The broker kinds this build supports: one line per kind. The only module outside a broker
 * folder that imports one; extension.ts hands the registry to the services.
 */
import { BrokerKindRegistry } from '../core/brokerKind';
import { kafkaKind } from './kafka';

export const brokerKinds = new BrokerKindRegistry([kafkaKind]);

export { kafkaLocalRuntime, type KafkaLocalRuntime } from './kafka';
