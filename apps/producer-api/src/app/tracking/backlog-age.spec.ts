import { OrderType } from '@bss/contracts';
import { OrderTrackingStore } from '@bss/order-tracking';
import { backlogAges, DRAIN_WINDOW_SEC } from './backlog-age';

const NOW = Date.parse('2026-12-02T12:00:00Z');

function storeWith(waiting: Awaited<ReturnType<OrderTrackingStore['waiting']>>, finished: [OrderType, number][]): OrderTrackingStore {
  return { waiting: async () => waiting, finishedWithin: async () => new Map(finished) } as unknown as OrderTrackingStore;
}

describe('backlogAges', () => {
  it('gives the oldest waiting order its age and the queue its time to drain at the rate orders ended', async () => {
    const store = storeWith([{ type: 'MNP', waiting: 300, oldestAcceptedAt: '2026-12-02T11:58:00Z' }], [['MNP', 6 * DRAIN_WINDOW_SEC]]);
    const [mnp] = await backlogAges(store, new Map([['MNP', 300]]), NOW);
    expect(mnp).toEqual({ type: 'MNP', depth: 300, oldestWaitingSec: 120, drainRatePerSec: 6, drainSec: 50 });
  });

  it('says why there is no drain time rather than inventing one, and an empty queue drains in 0 s', async () => {
    const store = storeWith([], []);
    const ages = await backlogAges(
      store,
      new Map<OrderType, number>([
        ['MNP', 10],
        ['CHANGE', 0],
      ]),
      NOW,
    );
    expect(ages).toEqual([
      { type: 'MNP', depth: 10, oldestWaitingSec: 0, drainRatePerSec: 0, drainSec: null, why: `nothing ended in the last ${DRAIN_WINDOW_SEC} s` },
      { type: 'CHANGE', depth: 0, oldestWaitingSec: 0, drainRatePerSec: 0, drainSec: 0 },
    ]);
  });

  it('answers unknown, with the reason, while the tracking store is down', async () => {
    const store = { waiting: async () => Promise.reject(new Error('connect ECONNREFUSED')), finishedWithin: async () => new Map() } as unknown as OrderTrackingStore;
    const [mnp] = await backlogAges(store, new Map([['MNP', 5]]), NOW);
    expect(mnp).toMatchObject({ oldestWaitingSec: null, drainSec: null, why: 'the tracking store is unavailable (connect ECONNREFUSED)' });
  });
});
