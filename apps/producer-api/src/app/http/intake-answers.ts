import { PublishRefusedError, RefusalReason, UnknownOutcomeReason } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { OrderOutcomeUnknownError, OrderRefusedError } from '../intake/order-intake.service';

/** Idempotency keys travel in this header, both ways. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

const NOT_ACCEPTED = 'the order was not accepted and nothing of it is queued, so it may be sent again. Retry later.';

const REFUSAL_CAUSES: Record<RefusalReason, string> = {
  'queue-full': 'The order queue is full',
  'broker-unavailable': 'The message broker is unavailable',
  'broker-blocked': 'The message broker has stopped taking messages for now (a resource alarm)',
  'broker-not-confirming': 'The message broker is not confirming orders of this type in time, so this one was not sent',
  unroutable: 'No queue takes orders of this type at the moment',
};

export function refusalMessage(reason: RefusalReason): string {
  return `${REFUSAL_CAUSES[reason]}; ${NOT_ACCEPTED}`;
}

const UNKNOWN_CAUSES: Record<UnknownOutcomeReason, string> = {
  'confirm-timeout': 'The broker did not confirm the order in time',
  'connection-lost': 'The connection to the broker closed before it confirmed the order',
  'ambiguous-nack': 'The broker refused the order while its queue was not full, which it also does for orders it stores later',
};

/** What a client must do with an answer whose outcome is unknown, in words and as data. */
export function unknownOutcomeAdvice(error: OrderOutcomeUnknownError) {
  const { idempotencyKey, orderId } = error.order;
  const statusUrl = orderStatusPath(orderId);
  return {
    message:
      `${UNKNOWN_CAUSES[error.reason]}: the order may or may not have been accepted. ` +
      `Resend the same order with ${IDEMPOTENCY_KEY_HEADER}: ${idempotencyKey} (the header, or the idempotencyKey field of a v1 order). ` +
      'A resend with this key keeps the order id, so the order can never be applied twice; keep the key for every further resend until one answers 202. ' +
      `GET ${statusUrl} shows the order once it was accepted after all (404 while it is not known).`,
    resolve: { resendWith: { header: IDEMPOTENCY_KEY_HEADER, value: idempotencyKey }, statusUrl },
  };
}

/** Where a client looks its order up. */
export function orderStatusPath(orderId: string): string {
  return `/api/v1/orders/${orderId}`;
}

/**
 * 503: not accepted, nothing queued; `Retry-After` says when to try again. A single order's answer
 * names the order id that was not queued, so what the client was told can be audited against what
 * the backend applied; a batch refused whole was never given ids.
 */
export function replyRefused(reply: FastifyReply, error: PublishRefusedError | OrderRefusedError, retryAfterSec: number): void {
  const order = error instanceof OrderRefusedError ? { orderId: error.order.orderId, type: error.order.type } : {};
  void reply
    .status(503)
    .header('Retry-After', String(retryAfterSec))
    .send({ statusCode: 503, error: 'Service Unavailable', outcome: 'not-accepted', reason: error.reason, ...order, message: refusalMessage(error.reason) });
}

/** 504: the outcome is unknown; the answer carries the order and how to resolve it safely. */
export function replyOutcomeUnknown(reply: FastifyReply, error: OrderOutcomeUnknownError, retryAfterSec: number): void {
  const { orderId, type, idempotencyKey, correlationId } = error.order;
  void reply
    .status(504)
    .header('Retry-After', String(retryAfterSec))
    .header(IDEMPOTENCY_KEY_HEADER, idempotencyKey)
    .send({
      statusCode: 504,
      error: 'Gateway Timeout',
      outcome: 'unknown',
      reason: error.reason,
      orderId,
      type,
      idempotencyKey,
      correlationId,
      ...unknownOutcomeAdvice(error),
    });
}
