import { OrderLedger, RecordRequest } from './order-ledger';

const request = (orderId: string, changes: Partial<RecordRequest> = {}): RecordRequest => ({
  idempotencyKey: orderId,
  orderId,
  type: 'MNP',
  outcome: 'applied',
  ...changes,
});

describe('OrderLedger', () => {
  it('records a key once and counts every repeat as a duplicate attempt', () => {
    const ledger = new OrderLedger();
    const first = ledger.record(request('o-1', { appliedBy: 'mnp-processor' }));
    const again = ledger.record(request('o-1'));
    ledger.record(request('o-2', { type: 'CHANGE', outcome: 'rejected', detail: 'identity check' }));
    expect(first.status).toBe('recorded');
    expect(again).toEqual({ status: 'duplicate', entry: first.entry });
    expect(first.entry.duplicateAttempts).toBe(1);
    expect(ledger.stats()).toEqual({ applied: 1, rejected: 1, byType: { MNP: 1 }, duplicateAttempts: 1, ordersAppliedMoreThanOnce: 0 });
  });

  it('exposes an order recorded under two different keys as applied twice', () => {
    const ledger = new OrderLedger();
    ledger.record(request('o-1', { idempotencyKey: 'key-a' }));
    ledger.record(request('o-1', { idempotencyKey: 'key-b' }));
    expect(ledger.findByOrder('o-1')).toHaveLength(2);
    expect(ledger.stats().ordersAppliedMoreThanOnce).toBe(1);
  });

  it('lists by type with paging', () => {
    const ledger = new OrderLedger();
    for (let index = 0; index < 5; index += 1) ledger.record(request(`o-${index}`, { type: index % 2 ? 'MNP' : 'SUBSCRIPTION' }));
    expect(ledger.list({ type: 'MNP', limit: 10, offset: 0 }).map((entry) => entry.orderId)).toEqual(['o-1', 'o-3']);
    expect(ledger.list({ limit: 2, offset: 1 }).map((entry) => entry.orderId)).toEqual(['o-1', 'o-2']);
    expect(ledger.findByOrder('nope')).toEqual([]);
  });
});
