/** A failure worth another attempt later: a timeout, a connection error, a backend 5xx/429/503. */
export class RetryableOrderError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryableOrderError';
  }
}

/** A failure no retry can fix (the backend refused the request as malformed): dead-letter it now. */
export class TerminalOrderError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'TerminalOrderError';
  }
}
