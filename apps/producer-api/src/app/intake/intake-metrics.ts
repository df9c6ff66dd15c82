import { isPlainObject, OrderType, parseOrderType } from '@bss/contracts';
import type { RefusalReason, UnknownOutcomeReason } from '@bss/messaging';
import { Metrics } from '@bss/observability';

export type RejectionReason = 'invalid' | RefusalReason | 'unauthorized' | 'too-large' | 'unsupported-media-type';

/** The type label of an order that may not have passed validation: its declared type, if it names one. */
export function declaredTypeOf(order: unknown): OrderType | 'unknown' {
  if (!isPlainObject(order)) return 'unknown';
  return parseOrderType(order['type'] ?? order['타입']) ?? 'unknown';
}

/** The producer's metrics, names fixed by the metric contract. */
export class IntakeMetrics {
  private readonly accepted;
  private readonly rejected;
  private readonly outcomeUnknown;
  private readonly confirmDuration;

  constructor(metrics: Metrics) {
    this.accepted = metrics.counter({ name: 'bss_orders_accepted_total', help: 'Orders confirmed by the broker', labelNames: ['type'] });
    this.rejected = metrics.counter({ name: 'bss_orders_rejected_total', help: 'Orders not accepted, by reason', labelNames: ['type', 'reason'] });
    this.outcomeUnknown = metrics.counter({
      name: 'bss_orders_outcome_unknown_total',
      help: 'Orders sent to the broker without a confirm in time: answered as unknown outcome, by reason',
      labelNames: ['type', 'reason'],
    });
    this.confirmDuration = metrics.histogram({
      name: 'bss_publish_confirm_duration_seconds',
      help: 'Time from publish to the broker confirm',
      labelNames: ['type'],
    });
  }

  orderAccepted(type: OrderType, confirmSeconds: number): void {
    this.accepted.with({ type }).inc();
    this.confirmDuration.with({ type }).observe(confirmSeconds);
  }

  orderRejected(type: OrderType | 'unknown', reason: RejectionReason): void {
    this.rejected.with({ type, reason }).inc();
  }

  orderOutcomeUnknown(type: OrderType, reason: UnknownOutcomeReason): void {
    this.outcomeUnknown.with({ type, reason }).inc();
  }
}
