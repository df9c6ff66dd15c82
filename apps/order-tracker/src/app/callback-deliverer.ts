import type { Logger } from '@bss/observability';
import { CALLBACK_EVENT_ID_HEADER, CALLBACK_SIGNATURE_HEADER, CallbackStore, DueDelivery, signCallback } from '@bss/order-tracking';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrackerMetrics } from './tracker-metrics';

export interface CallbackDelivererOptions {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** Wait before the next attempt after the n-th failure; the last repeats. */
  readonly backoffMs: readonly number[];
  readonly concurrency: number;
  /** How often to look for due deliveries when there were none. */
  readonly idlePollMs: number;
}

/**
 * POSTs callback deliveries, signed, with at most one in flight per order (the store hands out only
 * the oldest pending one of each order), retrying with backoff until the receiver answers 2xx or the
 * attempts are used up; then the delivery is marked undeliverable, for operators, and the order's
 * next event may go.
 */
export class CallbackDeliverer {
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly store: CallbackStore,
    private readonly metrics: TrackerMetrics,
    private readonly logger: Logger,
    private readonly options: CallbackDelivererOptions,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let due: DueDelivery[] = [];
      try {
        due = await this.store.claimDue(this.options.concurrency);
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'could not read due callbacks; trying again');
      }
      if (due.length > 0) await Promise.all(due.map((delivery) => this.deliver(delivery)));
      else await sleep(this.options.idlePollMs);
    }
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const started = performance.now();
    const failure = await this.post(delivery);
    const seconds = (performance.now() - started) / 1000;
    try {
      if (failure === undefined) {
        await this.store.delivered(delivery.id);
        this.metrics.callbackAttempted('delivered', seconds);
        return;
      }
      const attempt = delivery.attempts + 1;
      const retryInMs = attempt < this.options.maxAttempts ? this.backoffAfter(attempt) : undefined;
      await this.store.failed(delivery.id, failure, retryInMs);
      this.metrics.callbackAttempted(retryInMs === undefined ? 'undeliverable' : 'failed', seconds);
      const facts = { orderId: delivery.orderId, eventId: delivery.eventId, attempt, err: failure, host: hostOf(delivery.url) };
      if (retryInMs === undefined) this.logger.error(facts, 'callback undeliverable; given up after its last attempt');
      else this.logger.warn({ ...facts, retryInMs }, 'callback delivery failed; retrying');
    } catch (error) {
      // The lease runs out and the delivery is tried again; a receiver that got it sees the event id twice.
      this.logger.warn({ orderId: delivery.orderId, err: (error as Error).message }, 'could not record a callback attempt');
    }
  }

  /** Undefined when the receiver took it (2xx); otherwise what went wrong. */
  private async post(delivery: DueDelivery): Promise<string | undefined> {
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CALLBACK_SIGNATURE_HEADER]: signCallback(delivery.secret, delivery.body, Math.floor(Date.now() / 1000)),
          [CALLBACK_EVENT_ID_HEADER]: delivery.eventId,
          'user-agent': 'bss-order-tracker',
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 200 && response.status < 300 ? undefined : `receiver answered ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return `receiver unreachable: ${cause ?? (error as Error).message}`;
    }
  }

  private backoffAfter(attempt: number): number {
    const { backoffMs } = this.options;
    return backoffMs[Math.min(attempt, backoffMs.length) - 1];
  }
}

/** Where a callback goes, for logs: the host only, since paths and queries may carry client tokens. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
