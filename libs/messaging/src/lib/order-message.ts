import { ENVELOPE_CONTENT_TYPE, ORDER_HEADERS, OrderEnvelope } from '@bss/contracts';
import type { Options } from 'amqplib';

/**
 * The AMQP properties that make a message an order, besides its headers. An order keeps them for
 * life: intake sets them from the envelope, and every retry, deferral, dead letter and replay
 * carries them over unchanged, so the order id (`messageId`) and correlation id survive every hop.
 */
export interface OrderMessageProperties {
  readonly messageId?: string;
  readonly type?: string;
  readonly contentType?: string;
  readonly timestamp?: number;
  readonly correlationId?: string;
}

/** What one publish of an order sets anew: all of its headers, and for a retry its own TTL. */
export interface OrderMessageChanges {
  readonly headers: Record<string, unknown>;
  readonly expiration?: string;
}

/** The publish options of an order message, whoever publishes it: persistent, its properties, these headers. */
export function orderPublishOptions(properties: OrderMessageProperties, changes: OrderMessageChanges): Options.Publish {
  return {
    persistent: true,
    contentType: properties.contentType,
    messageId: properties.messageId,
    type: properties.type,
    timestamp: properties.timestamp,
    correlationId: properties.correlationId,
    ...changes,
  };
}

/**
 * The publish options of a new order built from its envelope, as intake publishes it: its first
 * attempt, and the id of the client that placed it, which its lifecycle events carry.
 */
export function envelopePublishOptions(envelope: OrderEnvelope, clientId?: string): Options.Publish & { readonly messageId: string } {
  const properties = {
    messageId: envelope.id,
    type: envelope.type,
    contentType: ENVELOPE_CONTENT_TYPE,
    timestamp: Math.floor(Date.parse(envelope.acceptedAt) / 1000),
    correlationId: envelope.correlationId,
  };
  const headers = {
    [ORDER_HEADERS.attempt]: 1,
    [ORDER_HEADERS.correlationId]: envelope.correlationId,
    [ORDER_HEADERS.origin]: envelope.origin,
    ...(clientId === undefined ? {} : { [ORDER_HEADERS.clientId]: clientId }),
  };
  return { ...orderPublishOptions(properties, { headers }), messageId: envelope.id };
}
