import type { WaitingOrders } from '@bss/order-tracking';
import { WaitingOrdersReader } from './waiting-orders-reader';

describe('WaitingOrdersReader', () => {
  it('reads what waits, and names the error when the store fails', async () => {
    const waiting: WaitingOrders[] = [{ type: 'MNP', waiting: 1, oldestAcceptedAt: '2026-12-01T10:00:00.000Z' }];
    expect(await new WaitingOrdersReader({ waiting: async () => waiting }, 1000).read()).toEqual({ waiting });
    const failing = new WaitingOrdersReader({ waiting: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) }, 1000);
    expect(await failing.read()).toEqual({ unavailable: 'connect ECONNREFUSED 127.0.0.1:1' });
  });

  it('gives up on a slow store at the deadline, and waits on the same query next time instead of starting another', async () => {
    let answer: (waiting: WaitingOrders[]) => void = () => undefined;
    const store = { waiting: jest.fn(() => new Promise<WaitingOrders[]>((resolve) => (answer = resolve))) };
    const reader = new WaitingOrdersReader(store, 20);
    expect(await reader.read()).toEqual({ unavailable: 'no answer within 20 ms' });
    const second = reader.read();
    answer([]);
    expect(await second).toEqual({ waiting: [] });
    expect(store.waiting).toHaveBeenCalledTimes(1);
    await reader.read();
    expect(store.waiting).toHaveBeenCalledTimes(2);
  });
});
