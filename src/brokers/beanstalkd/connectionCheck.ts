/** The Add Connection form's test: can this "host:port" be reached, and is it beanstalkd? */
import { parseBeanstalkdAddress } from './address';
import { BeanstalkdError } from './errors';
import { connectIdentified } from './identify';

export type BeanstalkdConnectionCheck =
  | { ok: true; version: string; maxJobSize: number; draining: boolean }
  | { ok: false; kind: BeanstalkdError['kind']; message: string; error: BeanstalkdError };

/**
 * Connects to `addressText`, asks for `stats` and closes again, all within `deadlineMs`
 * (default 5 s). Never throws: a failure comes back as its worded BeanstalkdError.
 */
export async function checkBeanstalkdConnection(addressText: string, deadlineMs = 5000): Promise<BeanstalkdConnectionCheck> {
  const started = Date.now();
  try {
    const address = parseBeanstalkdAddress(addressText);
    const { connection, stats } = await connectIdentified(address, {
      connectTimeoutMs: deadlineMs,
      answerTimeoutMs: () => Math.max(1, deadlineMs - (Date.now() - started)),
    });
    connection.close();
    return { ok: true, version: stats.version, maxJobSize: stats.maxJobSize, draining: stats.draining };
  } catch (error) {
    const worded = error instanceof BeanstalkdError ? error : new BeanstalkdError('unexpected-reply', `The connection check failed: ${String(error)}`, error);
    return { ok: false, kind: worded.kind, message: worded.message, error: worded };
  }
}
