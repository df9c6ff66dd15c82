import type { Logger } from '@bss/observability';
import { OrderTrackingStore } from '@bss/order-tracking';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Removes orders past their retention: once at start-up, then hourly. */
export class RetentionSweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: OrderTrackingStore,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const removed = await this.store.removeOlderThan(this.retentionDays);
      if (removed > 0) this.logger.info({ removed, retentionDays: this.retentionDays }, 'orders past their retention removed');
      return removed;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'retention sweep failed; trying again in an hour');
      return 0;
    }
  }
}
