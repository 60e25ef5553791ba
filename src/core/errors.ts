/** Errors every broker client raises, so the UI words them without knowing the broker kind. */

/** The error that a user-facing operation wraps, with the sentence to show. */
export class BrokerOperationError extends Error {
  constructor(
    readonly userMessage: string,
    readonly cause?: unknown,
  ) {
    super(userMessage);
    this.name = 'BrokerOperationError';
  }
}

/** Thrown when a broker call does not finish in time; the tree and commands never hang on it. */
export class BrokerTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'BrokerTimeoutError';
  }
}

/**
 * A produce error after which the messages may or may not be on the broker: their request was
 * written but no answer came (the connection closed, the request timed out), or the broker said
 * it wrote them without confirming the replicas. Resending them could duplicate them; any other
 * produce error means they were certainly not written.
 */
export class DeliveryUnknownError extends BrokerOperationError {
  constructor(userMessage: string, cause?: unknown) {
    super(userMessage, cause);
    this.name = 'DeliveryUnknownError';
  }
}

/** Whether a produce error leaves its messages' delivery unknown (see DeliveryUnknownError). */
export function isDeliveryUnknown(error: unknown): boolean {
  return error instanceof DeliveryUnknownError;
}
