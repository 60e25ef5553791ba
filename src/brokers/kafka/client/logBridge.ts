import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../../../core/brokerClient';

/** Sends kafkajs' own log lines to our Logger, keeping its namespace and the useful extra fields. */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      delete (extra as Record<string, unknown>).timestamp;
      delete (extra as Record<string, unknown>).logger;
      const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
      const line = `[kafkajs${namespace ? `:${namespace}` : ''}] ${message}${details}`;
      switch (level) {
        case logLevel.ERROR:
          logger.error(line);
          break;
        case logLevel.WARN:
          logger.warn(line);
          break;
        case logLevel.INFO:
          logger.info(line);
          break;
        default:
          logger.debug(line);
      }
    };
}
