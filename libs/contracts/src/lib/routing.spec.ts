import { ORDER_TYPES } from './order-type';
import { allOrderQueues, orderTypeOfBackendResource, topologyNames } from './routing';

describe('topologyNames', () => {
  it('derives the documented names from the default prefix', () => {
    const names = topologyNames();
    expect(names.ordersExchange).toBe('bss.orders');
    expect(names.deadLetterExchange).toBe('bss.orders.dlx');
    expect(names.deadLetterQueue).toBe('bss.orders.dead');
    expect(names.queueFor('MNP')).toBe('bss.orders.mnp');
    expect(names.routingKeyFor('SUBSCRIPTION')).toBe('order.subscription');
    expect(allOrderQueues(names)).toHaveLength(ORDER_TYPES.length);
    expect(names.retryQueueFor(2)).toBe('bss.orders.retry.2');
    expect(names.deferralExchangeFor(60_000)).toBe('bss.orders.deferral.60000ms');
    expect(names.deferralQueueFor(1000)).toBe('bss.orders.deferral.1000ms');
  });

  it('names no deferral queue for a delay that is not a positive whole number of ms', () => {
    const names = topologyNames();
    for (const delayMs of [0, -1000, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => names.deferralQueueFor(delayMs)).toThrow(RangeError);
  });

  it('maps backend resources back to their order type', () => {
    expect(orderTypeOfBackendResource('number-ports')).toBe('MNP');
    expect(orderTypeOfBackendResource('pizzas')).toBeUndefined();
  });
});
