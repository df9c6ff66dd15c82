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
    expect(ledger.stats()).toEqual({ applied: 1, rejected: 1, pending: 0, byType: { MNP: 1 }, duplicateAttempts: 1, statusInquiries: 0, ordersAppliedMoreThanOnce: 0 });
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

describe('OrderLedger with pending orders', () => {
  const acceptedAt = Date.parse('2026-11-27T10:00:00.000Z');
  const pendingRequest = (orderId: string, changes: Partial<RecordRequest> = {}) => request(orderId, { pendingUntilMs: acceptedAt + 3000, ...changes });

  it('records a pending order as pending, answers inquiries pending until its time is up, then applies it once', () => {
    const ledger = new OrderLedger();
    const first = ledger.record(pendingRequest('o-1'), acceptedAt);
    expect(first).toMatchObject({ status: 'pending', remainingMs: 3000, entry: { outcome: 'pending', pendingUntil: '2026-11-27T10:00:03.000Z' } });
    expect(ledger.stats(acceptedAt)).toMatchObject({ applied: 0, pending: 1 });
    expect(ledger.record(pendingRequest('o-1'), acceptedAt + 2500)).toMatchObject({ status: 'pending', remainingMs: 500 });
    expect(ledger.findByOrder('o-1', acceptedAt + 2999)).toEqual([expect.objectContaining({ outcome: 'pending' })]);

    const resolved = ledger.record(pendingRequest('o-1'), acceptedAt + 3000);
    expect(resolved).toEqual({ status: 'recorded', entry: expect.objectContaining({ outcome: 'applied', appliedAt: '2026-11-27T10:00:03.000Z' }) });
    expect(ledger.record(pendingRequest('o-1'), acceptedAt + 4000)).toMatchObject({ status: 'duplicate', entry: { outcome: 'applied' } });
    expect(ledger.findByOrder('o-1', acceptedAt + 4000)).toEqual([expect.objectContaining({ outcome: 'applied', statusInquiries: 2, duplicateAttempts: 1 })]);
    expect(ledger.stats(acceptedAt + 4000)).toEqual({ applied: 1, rejected: 0, pending: 0, byType: { MNP: 1 }, duplicateAttempts: 1, statusInquiries: 2, ordersAppliedMoreThanOnce: 0 });
  });

  it('resolves a pending order the business rules refuse to rejected, with their reason', () => {
    const ledger = new OrderLedger();
    ledger.record(pendingRequest('o-2', { outcome: 'rejected', detail: 'number is not portable' }), acceptedAt);
    expect(ledger.findByOrder('o-2', acceptedAt)).toEqual([expect.not.objectContaining({ detail: expect.anything() })]);
    expect(ledger.record(pendingRequest('o-2'), acceptedAt + 3001)).toMatchObject({ status: 'recorded', entry: { outcome: 'rejected', detail: 'number is not portable' } });
    expect(ledger.stats(acceptedAt + 3001)).toMatchObject({ applied: 0, rejected: 1, pending: 0 });
  });

  it('shows an order resolved in its listing and stats once its time is up, before anyone asks', () => {
    const ledger = new OrderLedger();
    ledger.record(pendingRequest('o-3'), acceptedAt);
    expect(ledger.list({ limit: 10, offset: 0 }, acceptedAt + 1000)).toEqual([expect.objectContaining({ outcome: 'pending' })]);
    expect(ledger.stats(acceptedAt + 3000)).toMatchObject({ applied: 1, pending: 0 });
    expect(ledger.list({ limit: 10, offset: 0 }, acceptedAt + 3000)).toEqual([expect.objectContaining({ outcome: 'applied' })]);
    expect(ledger.record(pendingRequest('o-3'), acceptedAt + 5000).status).toBe('recorded');
  });
});
