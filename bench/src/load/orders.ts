import { ENVELOPE_CONTENT_TYPE, ENVELOPE_VERSION, encodeEnvelope, EXAMPLE_PAYLOADS, ORDER_HEADERS, OrderEnvelope, OrderType } from '@bss/contracts';
import type { Options } from 'amqplib';
import { randomUUID } from 'node:crypto';

/** Every measurement uses MNP orders: the richest payload of the four, with every optional field. */
export const BENCH_ORDER_TYPE: OrderType = 'MNP';

/** The body a client posts to POST /api/v1/orders. */
export function orderRequestBody(type: OrderType = BENCH_ORDER_TYPE): string {
  return JSON.stringify({ type, payload: EXAMPLE_PAYLOADS[type] });
}

/** The body of POST /api/v1/orders/batch with `size` orders. */
export function batchRequestBody(size: number, type: OrderType = BENCH_ORDER_TYPE): string {
  return JSON.stringify({ orders: Array.from({ length: size }, () => ({ type, payload: EXAMPLE_PAYLOADS[type] })) });
}

export interface OrderMessage {
  readonly content: Buffer;
  readonly options: Options.Publish;
}

/**
 * An order exactly as producer-api publishes it (envelope body, properties, headers), with its own
 * id, so a processor handles it as a real order and the backend applies each one once.
 */
export function orderMessage(type: OrderType = BENCH_ORDER_TYPE): OrderMessage {
  const correlationId = randomUUID();
  const envelope: OrderEnvelope = {
    id: randomUUID(),
    type,
    version: ENVELOPE_VERSION,
    acceptedAt: new Date().toISOString(),
    correlationId,
    origin: 'api',
    payload: EXAMPLE_PAYLOADS[type],
  };
  return {
    content: encodeEnvelope(envelope),
    options: {
      persistent: true,
      contentType: ENVELOPE_CONTENT_TYPE,
      messageId: envelope.id,
      type,
      timestamp: Math.floor(Date.now() / 1000),
      correlationId,
      headers: { [ORDER_HEADERS.attempt]: 1, [ORDER_HEADERS.correlationId]: correlationId, [ORDER_HEADERS.origin]: 'api' },
    },
  };
}

export function orderMessages(count: number, type: OrderType = BENCH_ORDER_TYPE): OrderMessage[] {
  return Array.from({ length: count }, () => orderMessage(type));
}
