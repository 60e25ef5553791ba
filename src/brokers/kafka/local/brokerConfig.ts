/** server.properties and logging configuration of the single local KRaft broker (pure functions). */

export interface LocalBrokerSettings {
  /** Client port on 127.0.0.1 (mqExplorer.localKafka.port). */
  port: number;
  /** KRaft controller port on 127.0.0.1; only the broker itself talks to it. */
  controllerPort: number;
  logDir: string;
  kafkaVersion: string;
  /** Partitions of topics created without a count (and of auto-created ones). */
  defaultPartitions: number;
  autoCreateTopics: boolean;
}

/** Serialises entries as a Java .properties file (our values never need escaping, backslashes aside). */
export function toProperties(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${value.replace(/\\/g, '\\\\')}`)
    .join('\n')
    .concat('\n');
}

/** One node that is broker and controller at once, reachable only from this machine. */
export function serverProperties(settings: LocalBrokerSettings): Record<string, string> {
  const config: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${settings.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${settings.port},CONTROLLER://127.0.0.1:${settings.controllerPort}`,
    // The address clients reconnect to after bootstrapping: the same loopback address.
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${settings.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': settings.logDir,
    'num.partitions': String(settings.defaultPartitions),
    'auto.create.topics.enable': String(settings.autoCreateTopics),
    'group.initial.rebalance.delay.ms': '0',
    'offsets.topic.replication.factor': '1',
    // The default 50 partitions make the first consumer group slow to start on a laptop.
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '10',
    // A restarted 4.x broker is refused until its previous session expires (9 s by default).
    'broker.session.timeout.ms': '3000',
    'broker.heartbeat.interval.ms': '500',
    'num.network.threads': '2',
    'num.io.threads': '4',
  };
  if (Number.parseInt(settings.kafkaVersion, 10) >= 4) {
    // Share groups exist only in 4.x; 3.x would warn about unknown configs.
    config['share.coordinator.state.topic.replication.factor'] = '1';
    config['share.coordinator.state.topic.min.isr'] = '1';
  }
  return config;
}

/** Logging to stdout, which the extension reads into its output channel. */
export function loggingConfig(log4j2: boolean): { file: string; text: string; jvmProperty: string } {
  if (log4j2) {
    return {
      file: 'log4j2.properties',
      jvmProperty: '-Dlog4j2.configurationFile=',
      text: toProperties({
        status: 'error',
        'appender.out.type': 'Console',
        'appender.out.name': 'OUT',
        'appender.out.layout.type': 'PatternLayout',
        'appender.out.layout.pattern': '%p %m (%c)%n',
        'rootLogger.level': 'INFO',
        'rootLogger.appenderRef.out.ref': 'OUT',
        'logger.kafka.name': 'kafka',
        'logger.kafka.level': 'INFO',
      }),
    };
  }
  return {
    file: 'log4j.properties',
    jvmProperty: '-Dlog4j.configuration=file:',
    text: toProperties({
      'log4j.rootLogger': 'INFO, out',
      'log4j.appender.out': 'org.apache.log4j.ConsoleAppender',
      'log4j.appender.out.layout': 'org.apache.log4j.PatternLayout',
      'log4j.appender.out.layout.ConversionPattern': '%p %m (%c)%n',
    }),
  };
}
