import type { Logger } from './brokerClient';

/**
 * A logger whose calls never throw. VS Code closes an extension's log channel before deactivation
 * ends ("Channel has been closed"); a log line written by a client library while it disconnects
 * must not abort the disconnect (a tail would then never delete its group).
 */
export function neverThrowing(logger: Logger): Logger {
  const guard =
    (write: (message: string) => void) =>
    (message: string): void => {
      try {
        write(message);
      } catch {
        // The channel is gone: the line is lost, the work goes on.
      }
    };
  return {
    trace: guard((m) => logger.trace(m)),
    debug: guard((m) => logger.debug(m)),
    info: guard((m) => logger.info(m)),
    warn: guard((m) => logger.warn(m)),
    error: guard((m) => logger.error(m)),
  };
}
