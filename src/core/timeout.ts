import { BrokerTimeoutError } from './errors';

/**
 * Races `work` against a deadline so no broker call can hang the UI. The work itself is not
 * cancelled (kafkajs has no cancellation); callers reset the connection on timeout.
 */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerTimeoutError(operation, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
