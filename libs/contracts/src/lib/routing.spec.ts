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
  });

  it('maps backend resources back to their order type', () => {
    expect(orderTypeOfBackendResource('number-ports')).toBe('MNP');
    expect(orderTypeOfBackendResource('pizzas')).toBeUndefined();
  });
});
