/**
 * Why a publish was refused. Every one of them means the same to the caller: the broker does not
 * hold the message and never will, so the order may be sent again as if it were new (HTTP 503).
 * - `queue-full`: the queue is at its bound and refused it (`x-overflow: reject-publish`);
 * - `broker-unavailable`: no connection, or its topology is not declared yet: nothing was sent;
 * - `broker-blocked`: the broker blocked publishing (memory or disk alarm): nothing was sent;
 * - `broker-not-confirming`: earlier publishes of this type are still waiting for their confirms
 *   past the deadline, so this one was not sent onto a broker that is not confirming;
 * - `unroutable`: the exchange has no queue for it (the topology is missing) and dropped it.
 */
export type RefusalReason = 'queue-full' | 'broker-unavailable' | 'broker-blocked' | 'broker-not-confirming' | 'unroutable';

export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'queue-full',
  'broker-unavailable',
  'broker-blocked',
  'broker-not-confirming',
  'unroutable',
];

/** The broker does not have the message and never will: safe to send again (HTTP 503). */
export class PublishRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PublishRefusedError';
  }
}

/**
 * Why the outcome of a publish is unknown:
 * - `confirm-timeout`: it was sent, and no confirm came within the deadline;
 * - `connection-lost`: it was sent, and the channel closed before its confirm came;
 * - `ambiguous-nack`: the broker nacked it while its queue was not full, which RabbitMQ also does
 *   for messages a quorum queue later stores (seen when a node pauses or shuts down).
 */
export type UnknownOutcomeReason = 'confirm-timeout' | 'connection-lost' | 'ambiguous-nack';

/**
 * The message left for the broker, but whether the broker stored it is not known: it may be
 * stored (and processed) later. Only a resend that keeps the order id is safe.
 */
export class PublishOutcomeUnknownError extends Error {
  constructor(
    readonly reason: UnknownOutcomeReason,
    message: string,
  ) {
    super(message);
    this.name = 'PublishOutcomeUnknownError';
  }
}

export type PublishFailure = PublishRefusedError | PublishOutcomeUnknownError;

export function isPublishFailure(error: unknown): error is PublishFailure {
  return error instanceof PublishRefusedError || error instanceof PublishOutcomeUnknownError;
}
