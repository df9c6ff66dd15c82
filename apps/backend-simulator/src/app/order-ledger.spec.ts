import { OrderLedger } from './order-ledger';

describe('OrderLedger', () => {
  it('applies an order once and counts every repeat as a duplicate attempt', () => {
    const ledger = new OrderLedger();
    const first = ledger.apply({ orderId: 'o-1', type: 'MNP', appliedBy: 'mnp-processor' });
    const again = ledger.apply({ orderId: 'o-1', type: 'MNP', appliedBy: 'mnp-processor' });
    ledger.apply({ orderId: 'o-2', type: 'CHANGE' });
    expect(first.status).toBe('applied');
    expect(again).toEqual({ status: 'duplicate', entry: first.entry });
    expect(first.entry.duplicateAttempts).toBe(1);
    expect(ledger.stats()).toEqual({ applied: 2, byType: { MNP: 1, CHANGE: 1 }, duplicateAttempts: 1 });
  });

  it('lists by type with paging and finds by id', () => {
    const ledger = new OrderLedger();
    for (let index = 0; index < 5; index += 1) ledger.apply({ orderId: `o-${index}`, type: index % 2 ? 'MNP' : 'SUBSCRIPTION' });
    expect(ledger.list({ type: 'MNP', limit: 10, offset: 0 }).map((entry) => entry.orderId)).toEqual(['o-1', 'o-3']);
    expect(ledger.list({ limit: 2, offset: 1 }).map((entry) => entry.orderId)).toEqual(['o-1', 'o-2']);
    expect(ledger.find('o-4')?.type).toBe('SUBSCRIPTION');
    expect(ledger.find('nope')).toBeUndefined();
  });
});
