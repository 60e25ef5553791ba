/** Kafka's own limit (TopicNameValidator: 249 characters). */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/**
 * Checks a topic name by the rules the broker applies, so the user learns the reason before a round trip.
 * Returns a sentence naming the problem, or undefined when the name is legal.
 */
export function validateTopicName(name: string): string | undefined {
  if (name.length === 0) {
    return 'A topic name cannot be empty.';
  }
  if (name === '.' || name === '..') {
    return `"${name}" is reserved and cannot be used as a topic name.`;
  }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `A topic name can have at most ${MAX_TOPIC_NAME_LENGTH} characters; this one has ${name.length}.`;
  }
  if (!LEGAL.test(name)) {
    const bad = [...new Set([...name].filter((ch) => !/[a-zA-Z0-9._-]/.test(ch)))];
    const shown = bad.map((ch) => (ch === ' ' ? 'space' : `"${ch}"`)).join(', ');
    return `A topic name may contain only letters, digits, ".", "_" and "-"; found ${shown}.`;
  }
  return undefined;
}

/**
 * Kafka maps "." and "_" to the same metric name, so topics differing only there collide.
 * Returns the existing topic the new name would collide with, if any.
 */
export function findMetricCollision(name: string, existing: readonly string[]): string | undefined {
  const normalized = name.replace(/\./g, '_');
  return existing.find((other) => other !== name && other.replace(/\./g, '_') === normalized);
}

/** The common topic configs, with Kafka's defaults, offered when creating a topic. */
export const COMMON_TOPIC_CONFIGS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'retention.ms': '604800000',
  'retention.bytes': '-1',
  'max.message.bytes': '1048588',
  'min.insync.replicas': '1',
  'compression.type': 'producer',
};

/** Parses "name=value, name=value"; returns the configs or a sentence saying what is wrong. */
export function parseConfigList(text: string): Record<string, string> | string {
  const configs: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z0-9._-]+)\s*=\s*(.+)$/i.exec(part);
    if (!match) {
      return `"${part}" is not name=value.`;
    }
    configs[match[1]] = match[2].trim();
  }
  return configs;
}
