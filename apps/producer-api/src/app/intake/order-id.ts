import { OrderType } from '@bss/contracts';
import { createHash, randomUUID } from 'node:crypto';

/** Namespace of our name-based order ids (RFC 9562 UUIDv5); fixed forever, or retried orders change id. */
const ORDER_ID_NAMESPACE = Buffer.from('6f1c2b8e5d4a4f0b9c3e7a2d1b0f8e6c', 'hex');

export interface OrderIdentity {
  readonly orderId: string;
  /** The client's key, or one made here when it sent none. */
  readonly idempotencyKey: string;
}

/**
 * Every order's id is derived from its type and an idempotency key, so a resend with the same key
 * carries the same order id and the backend's Idempotency-Key ledger applies it once, however many
 * copies were queued. A client that sent no key gets one made here, returned with every answer: it
 * is what lets that client, too, resolve an answer whose outcome is unknown by resending safely.
 */
export function identifyOrder(type: OrderType, clientKey?: string): OrderIdentity {
  const idempotencyKey = clientKey ?? randomUUID();
  return { orderId: orderIdFor(type, idempotencyKey), idempotencyKey };
}

export function orderIdFor(type: OrderType, idempotencyKey: string): string {
  return nameBasedUuid(ORDER_ID_NAMESPACE, `${type}:${idempotencyKey}`);
}

/** An RFC 9562 UUIDv5: the same namespace and name always give the same id. */
export function nameBasedUuid(namespace: Buffer, name: string): string {
  const hash = createHash('sha1').update(namespace).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
