/**
 * Opening a connection that is known to reach beanstalkd: connect, send `stats` and wait a bounded
 * time for a beanstalkd answer. An HTTP or Redis port, a silent port or garbage become worded
 * BeanstalkdErrors ("not a beanstalkd server", "timeout") instead of a hang or a parse error.
 */
import { BrokerTimeoutError } from '../../core/errors';
import { withTimeout } from '../../core/timeout';
import { type BeanstalkdAddress, formatBeanstalkdAddress } from './address';
import { BeanstalkdError, connectionErrorFor, describeForeignReply } from './errors';
import { BeanstalkdConnection, BeanstalkdConnectionError, BeanstalkdReplyError } from './protocol';
import { parseServerStats, type ServerStats } from './stats';

export interface IdentifyOptions {
  /** For the TCP connection (DNS included). */
  connectTimeoutMs: number;
  /** For the first `stats` reply once connected; a function to spend what is left of a deadline. */
  answerTimeoutMs: number | (() => number);
}

/** A connection plus the server stats it answered first; closed again when anything fails. */
export async function connectIdentified(address: BeanstalkdAddress, options: IdentifyOptions): Promise<{ connection: BeanstalkdConnection; stats: ServerStats }> {
  let connection: BeanstalkdConnection;
  try {
    connection = await BeanstalkdConnection.connect({ host: address.host, port: address.port, connectTimeoutMs: options.connectTimeoutMs });
  } catch (error) {
    throw connectionErrorFor(error, address);
  }
  const answerTimeoutMs = typeof options.answerTimeoutMs === 'number' ? options.answerTimeoutMs : options.answerTimeoutMs();
  try {
    const stats = parseServerStats(await withTimeout(connection.stats(), answerTimeoutMs, 'stats'));
    return { connection, stats };
  } catch (error) {
    const unparsed = connection.unparsedInput.toString('latin1');
    connection.close();
    throw identifyError(error, address, unparsed, answerTimeoutMs);
  }
}

function identifyError(error: unknown, address: BeanstalkdAddress, unparsed: string, answerTimeoutMs: number): BeanstalkdError {
  const where = formatBeanstalkdAddress(address);
  const notBeanstalkd = (how: string) =>
    new BeanstalkdError('not-beanstalkd', `${where} is not a beanstalkd server: ${how}. Check the port (beanstalkd listens on 11300 unless started with -p).`, error);
  if (error instanceof BeanstalkdReplyError) {
    return notBeanstalkd(describeForeignReply(error.reply));
  }
  if (unparsed.length > 0) {
    return notBeanstalkd(describeForeignReply(unparsed));
  }
  if (error instanceof BrokerTimeoutError) {
    return new BeanstalkdError(
      'timeout',
      `${where} accepted the connection but did not answer within ${(answerTimeoutMs / 1000).toFixed(1)} s. Is it a beanstalkd server, and is it not overloaded?`,
      error,
    );
  }
  if (error instanceof BeanstalkdConnectionError) {
    return notBeanstalkd('it closed the connection without answering the stats command');
  }
  if (error instanceof BeanstalkdError) {
    return notBeanstalkd(`its stats were not beanstalkd's (${error.message})`);
  }
  return notBeanstalkd(`its answer to stats could not be read (${error instanceof Error ? error.message : String(error)})`);
}
