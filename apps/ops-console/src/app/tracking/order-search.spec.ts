import type { TrackedOrder } from '@bss/order-tracking';
import { searchOrders } from './order-search';

function order(orderId: string, acceptedAt: string): TrackedOrder {
  return { orderId, type: 'MNP', state: 'queued', stateAt: acceptedAt, final: false, attempt: 1, acceptedAt, timeline: [] };
}

describe('searchOrders', () => {
  it('looks the text up as each key, lists an order found by several once, newest first', async () => {
    const older = order('o-1', '2026-12-01T10:00:00.000Z');
    const newer = order('o-2', '2026-12-01T11:00:00.000Z');
    const store = {
      find: jest.fn(async () => undefined),
      findByCorrelationId: jest.fn(async () => [newer, older]),
      findByIdempotencyKey: jest.fn(async () => [older]),
    };
    const found = await searchOrders(store, 'shared-text');
    expect(found.map((entry) => [entry.orderId, entry.matchedBy])).toEqual([
      ['o-2', ['correlationId']],
      ['o-1', ['correlationId', 'idempotencyKey']],
    ]);
    expect(store.find).toHaveBeenCalledWith('shared-text');
  });
});
