import { identifyOrder, orderIdFor } from './order-id';

describe('order identity', () => {
  it('derives the order id from the type and the client key, so a resend keeps it', () => {
    const first = identifyOrder('MNP', 'shop-7:order-991');
    expect(first).toEqual({ orderId: orderIdFor('MNP', 'shop-7:order-991'), idempotencyKey: 'shop-7:order-991' });
    expect(identifyOrder('MNP', 'shop-7:order-991').orderId).toBe(first.orderId);
    expect(identifyOrder('CHANGE', 'shop-7:order-991').orderId).not.toBe(first.orderId);
    expect(first.orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives an order without a key one of its own, from which the same id follows', () => {
    const made = identifyOrder('TERMINATION');
    expect(made.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(identifyOrder('TERMINATION', made.idempotencyKey).orderId).toBe(made.orderId);
    expect(identifyOrder('TERMINATION').orderId).not.toBe(made.orderId);
  });
});
