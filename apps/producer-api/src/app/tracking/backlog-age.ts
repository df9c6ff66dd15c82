import { OrderType } from '@bss/contracts';
import { OrderTrackingStore } from '@bss/order-tracking';

/** The window over which the drain rate is the count of orders that ended, per second. */
export const DRAIN_WINDOW_SEC = 60;

/** One type's backlog: how old its oldest waiting order is and how long the queue takes to drain at the current rate. */
export interface BacklogAge {
  readonly type: OrderType;
  readonly depth: number;
  readonly oldestWaitingSec: number | null;
  readonly drainRatePerSec: number | null;
  /** depth ÷ drain rate; null with `why` when there is no rate to divide by. */
  readonly drainSec: number | null;
  readonly why?: string;
}

/**
 * The backlog's age from what the tracker stores, for `GET /api/queue/status`: the oldest waiting
 * order's accepted time, and the orders that ended in the last minute as the drain rate. Null, with
 * the reason, where the tracking store cannot say — never a made-up figure.
 */
export async function backlogAges(store: OrderTrackingStore, depths: ReadonlyMap<OrderType, number>, now = Date.now()): Promise<BacklogAge[]> {
  let waiting: Awaited<ReturnType<OrderTrackingStore['waiting']>>;
  let finished: Map<OrderType, number>;
  try {
    [waiting, finished] = await Promise.all([store.waiting(), store.finishedWithin(DRAIN_WINDOW_SEC)]);
  } catch (error) {
    const why = `the tracking store is unavailable (${(error as Error).message})`;
    return [...depths].map(([type, depth]) => ({ type, depth, oldestWaitingSec: null, drainRatePerSec: null, drainSec: null, why }));
  }
  return [...depths].map(([type, depth]) => {
    const oldest = waiting.find((entry) => entry.type === type)?.oldestAcceptedAt;
    const oldestWaitingSec = oldest ? Math.max(0, (now - Date.parse(oldest)) / 1000) : 0;
    const drainRatePerSec = (finished.get(type) ?? 0) / DRAIN_WINDOW_SEC;
    if (depth === 0) return { type, depth, oldestWaitingSec, drainRatePerSec, drainSec: 0 };
    if (drainRatePerSec === 0) return { type, depth, oldestWaitingSec, drainRatePerSec, drainSec: null, why: `nothing ended in the last ${DRAIN_WINDOW_SEC} s` };
    return { type, depth, oldestWaitingSec, drainRatePerSec, drainSec: depth / drainRatePerSec };
  });
}
