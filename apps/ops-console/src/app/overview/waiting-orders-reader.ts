import type { OrderTrackingStore } from '@bss/order-tracking';
import { TrackingReading } from './backlog';

/**
 * Reads what waits per type from the tracking store for the sampler. A store that answers slowly
 * (PostgreSQL unreachable waits for the connect timeout) must not hold up the queue figures, so a
 * read gives up after `deadlineMs`. The query it gave up on keeps running and the next read waits on
 * it instead of starting another, so a stalled store never has more than one of them queued.
 */
export class WaitingOrdersReader {
  private inFlight?: Promise<TrackingReading>;

  constructor(
    private readonly store: Pick<OrderTrackingStore, 'waiting'>,
    private readonly deadlineMs: number,
  ) {}

  async read(): Promise<TrackingReading> {
    this.inFlight ??= this.store
      .waiting()
      .then((waiting): TrackingReading => ({ waiting }))
      .catch((error: Error): TrackingReading => ({ unavailable: error.message }))
      .finally(() => (this.inFlight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<TrackingReading>((resolve) => {
      timer = setTimeout(() => resolve({ unavailable: `no answer within ${this.deadlineMs} ms` }), this.deadlineMs);
    });
    try {
      return await Promise.race([this.inFlight, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
