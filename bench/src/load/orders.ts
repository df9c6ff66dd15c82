import { ENVELOPE_VERSION, encodeEnvelope, EXAMPLE_PAYLOADS, OrderEnvelope, OrderType } from '@bss/contracts';
import { envelopePublishOptions } from '@bss/messaging';
import type { Options } from 'amqplib';
import { randomUUID } from 'node:crypto';

/**
 * Every measurement uses terminations with a call-centre note: the envelope producer-api publishes
 * for one is about 500 bytes, the message size the broker ceilings were measured with.
 */
export const BENCH_ORDER_TYPE: OrderType = 'TERMINATION';

const BENCH_PAYLOAD = {
  ...EXAMPLE_PAYLOADS.TERMINATION,
  note:
    'Customer is moving abroad for work; asked at the Gangnam store to close the line at the end of the billing cycle, ' +
    'keep the final invoice by e-mail and release the number.',
};

/** The body a client posts to POST /api/v1/orders. */
export function orderRequestBody(): string {
  return JSON.stringify({ type: BENCH_ORDER_TYPE, payload: BENCH_PAYLOAD });
}

/** The body of POST /api/v1/orders/batch with `size` orders. */
export function batchRequestBody(size: number): string {
  return JSON.stringify({ orders: Array.from({ length: size }, () => ({ type: BENCH_ORDER_TYPE, payload: BENCH_PAYLOAD })) });
}

export interface OrderMessage {
  readonly content: Buffer;
  readonly options: Options.Publish;
}

/**
 * An order exactly as producer-api publishes it (envelope body; properties and headers from
 * envelopePublishOptions, which intake uses), with its own
 * id, so a processor handles it as a real order and the backend applies each one once.
 */
export function orderMessage(): OrderMessage {
  const envelope: OrderEnvelope = {
    id: randomUUID(),
    type: BENCH_ORDER_TYPE,
    version: ENVELOPE_VERSION,
    acceptedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    origin: 'api',
    payload: BENCH_PAYLOAD,
  };
  return { content: encodeEnvelope(envelope), options: envelopePublishOptions(envelope) };
}

export function orderMessages(count: number): OrderMessage[] {
  return Array.from({ length: count }, () => orderMessage());
}
