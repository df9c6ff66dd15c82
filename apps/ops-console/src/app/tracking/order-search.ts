import type { OrderTrackingStore, TrackedOrder } from '@bss/order-tracking';

/** Which of an order's keys the search text matched. */
export type MatchedKey = 'orderId' | 'correlationId' | 'idempotencyKey';

export type FoundOrder = TrackedOrder & { readonly matchedBy: readonly MatchedKey[] };

/**
 * Finds orders by any of the keys an operator may be handed (an order id from a log line, a
 * correlation id from a support ticket, a client's idempotency key): one text, looked up as each,
 * every lookup on an index. An order found by several keys is listed once, newest first.
 */
export async function searchOrders(store: Pick<OrderTrackingStore, 'find' | 'findByCorrelationId' | 'findByIdempotencyKey'>, text: string): Promise<FoundOrder[]> {
  const [byId, byCorrelation, byIdempotency] = await Promise.all([
    store.find(text),
    store.findByCorrelationId(text),
    store.findByIdempotencyKey(text),
  ]);
  const found = new Map<string, { order: TrackedOrder; matchedBy: MatchedKey[] }>();
  const add = (orders: readonly TrackedOrder[], key: MatchedKey) => {
    for (const order of orders) {
      const entry = found.get(order.orderId) ?? { order, matchedBy: [] };
      entry.matchedBy.push(key);
      found.set(order.orderId, entry);
    }
  };
  add(byId ? [byId] : [], 'orderId');
  add(byCorrelation, 'correlationId');
  add(byIdempotency, 'idempotencyKey');
  return [...found.values()]
    .map(({ order, matchedBy }) => ({ ...order, matchedBy }))
    .sort((a, b) => (b.acceptedAt ?? b.stateAt).localeCompare(a.acceptedAt ?? a.stateAt));
}
