/** The broker is unreachable or did not confirm in time: the caller should retry later (HTTP 503). */
export class BrokerUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokerUnavailableError';
  }
}

/**
 * The broker refused the message with a publisher nack: with `x-overflow: reject-publish` this means
 * the queue is full. Nothing was stored; the caller should retry later (HTTP 503).
 */
export class PublishRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishRejectedError';
  }
}

/** Why a publish failed, as clients, logs and metrics name it. */
export type BrokerFailureReason = 'queue-full' | 'broker-unavailable';

export function brokerFailureReason(error: BrokerUnavailableError | PublishRejectedError): BrokerFailureReason {
  return error instanceof PublishRejectedError ? 'queue-full' : 'broker-unavailable';
}
