/** server.properties and logging configuration for harness-started Kafka nodes. */
import type { KafkaNodeInfo } from './kafkaCluster';

/** Major version number of a Kafka version string such as 4.4.0. */
export function majorVersion(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

/** Serialises entries as a Java .properties file (values here never need escaping). */
export function toProperties(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}

/** log4j 1 (reload4j, Kafka 3.x) or log4j2 (Kafka 4.x) config sending everything to one file. */
export function loggingConfig(log4j2: boolean, logFile: string): { file: string; text: string; property: string } {
  if (log4j2) {
    return {
      file: 'log4j2.properties',
      property: '-Dlog4j2.configurationFile=',
      text: toProperties({
        status: 'error',
        'appender.file.type': 'File',
        'appender.file.name': 'FILE',
        'appender.file.fileName': logFile,
        'appender.file.layout.type': 'PatternLayout',
        'appender.file.layout.pattern': '[%d] %p %m (%c)%n',
        'rootLogger.level': 'INFO',
        'rootLogger.appenderRef.file.ref': 'FILE',
      }),
    };
  }
  return {
    file: 'log4j.properties',
    property: '-Dlog4j.configuration=file:',
    text: toProperties({
      'log4j.rootLogger': 'INFO, file',
      'log4j.appender.file': 'org.apache.log4j.FileAppender',
      'log4j.appender.file.File': logFile,
      'log4j.appender.file.layout': 'org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern': '[%d] %p %m (%c)%n',
    }),
  };
}

/** Test-friendly KRaft combined-mode settings for one node of a static-quorum cluster. */
export function serverProperties(
  version: string,
  node: KafkaNodeInfo,
  nodes: KafkaNodeInfo[],
  logDir: string,
): Record<string, string> {
  const count = nodes.length;
  const replication = String(Math.min(3, count));
  const minIsr = String(Math.min(2, count));
  const config: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(node.id),
    'controller.quorum.voters': nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': '1',
    'auto.create.topics.enable': 'false',
    'group.initial.rebalance.delay.ms': '0',
    'offsets.topic.replication.factor': replication,
    // 50 partitions (the default) make the first consumer group noticeably slow to start.
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': '10',
    // Kafka 4.x refuses a restarted node's registration (DUPLICATE_BROKER_REGISTRATION)
    // until the old incarnation's session expires: 9 s by default, which startNode would wait.
    // 3 s proved too short on 2 busy cores (a live broker got fenced and metadata flapped), so 6 s.
    'broker.session.timeout.ms': '6000',
    'broker.heartbeat.interval.ms': '500',
    'num.network.threads': '2',
    'num.io.threads': '4',
  };
  if (majorVersion(version) >= 4) {
    // Share groups exist only in 4.x; 3.x would log these as unknown configs.
    config['share.coordinator.state.topic.replication.factor'] = replication;
    config['share.coordinator.state.topic.min.isr'] = minIsr;
  }
  return config;
}
