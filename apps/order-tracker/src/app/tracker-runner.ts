import type { Logger } from '@bss/observability';
import { OrderTrackingStore } from '@bss/order-tracking';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallbackDeliverer } from './callback-deliverer';
import { LifecycleEventIntake } from './lifecycle-event-intake';
import { RetentionSweeper } from './retention-sweeper';

const MAX_MIGRATE_RETRY_DELAY_MS = 10_000;

/**
 * Starts the tracker's work once its tables exist. PostgreSQL being down at start-up does not end the
 * process: the tracker waits for it, unready, while events queue up in RabbitMQ.
 */
export class TrackerRunner {
  private started?: Promise<void>;
  private migrated = false;
  private stopping = false;

  constructor(
    private readonly store: OrderTrackingStore,
    private readonly intake: LifecycleEventIntake,
    private readonly deliverer: CallbackDeliverer,
    private readonly sweeper: RetentionSweeper,
    private readonly logger: Logger,
  ) {}

  isReady(): boolean {
    return this.migrated && this.intake.isConsuming();
  }

  describe(): Record<string, unknown> {
    return { tablesReady: this.migrated, consuming: this.intake.isConsuming() };
  }

  onApplicationBootstrap(): void {
    this.started = this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.started;
    if (!this.migrated) return;
    await this.intake.stop();
    await this.deliverer.stop();
    this.sweeper.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch(() => undefined);
  }

  private async start(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt += 1) {
      try {
        await this.store.migrate();
        this.migrated = true;
        break;
      } catch (error) {
        const delayMs = Math.min(MAX_MIGRATE_RETRY_DELAY_MS, 500 * 2 ** attempt);
        this.logger.warn({ err: (error as Error).message, delayMs }, 'tracking store unavailable; waiting for it before taking events');
        await sleep(delayMs);
      }
    }
    if (!this.migrated) return;
    this.intake.start();
    this.deliverer.start();
    this.sweeper.start();
  }
}
