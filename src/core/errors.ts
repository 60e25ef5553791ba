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
