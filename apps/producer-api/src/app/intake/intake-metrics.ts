import { isPlainObject, ORDER_TYPES, OrderType, parseOrderType } from '@bss/contracts';
import { REFUSAL_REASONS, RefusalReason, UnknownOutcomeReason } from '@bss/messaging';
import { Metrics } from '@bss/observability';

export type RejectionReason = 'invalid' | RefusalReason | 'unauthorized' | 'too-large' | 'unsupported-media-type';

/** What the seed's `/api/stats` counts: orders that reached intake and were not accepted. */
export type IntakeFailure = 'invalid' | RefusalReason | 'outcome-unknown';

const INTAKE_FAILURES: readonly IntakeFailure[] = ['invalid', ...REFUSAL_REASONS, 'outcome-unknown'];

/** This process's intake since it started, as the seed's `/api/stats` reports it. */
export interface IntakeSnapshot {
  readonly startedAt: string;
  readonly totalAccepted: number;
  readonly acceptedByType: Record<OrderType, number>;
  readonly failures: Record<IntakeFailure, number>;
}

/** The type label of an order that may not have passed validation: its declared type, if it names one. */
export function declaredTypeOf(order: unknown): OrderType | 'unknown' {
  if (!isPlainObject(order)) return 'unknown';
  return parseOrderType(order['type'] ?? order['타입']) ?? 'unknown';
}

/**
 * Records each intake event once: as the producer's Prometheus metrics (names fixed by the metric
 * contract) and as this process's counts since start, which the seed's `/api/stats` answers with
 * (they count even where MONITORING_ENABLED turns the metrics off).
 */
export class IntakeMetrics {
  readonly startedAt = new Date();
  private readonly acceptedCounts = Object.fromEntries(ORDER_TYPES.map((type) => [type, 0])) as Record<OrderType, number>;
  private readonly failureCounts = Object.fromEntries(INTAKE_FAILURES.map((failure) => [failure, 0])) as Record<IntakeFailure, number>;
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
    this.acceptedCounts[type] += 1;
  }

  orderRejected(type: OrderType | 'unknown', reason: RejectionReason): void {
    this.rejected.with({ type, reason }).inc();
    if (isIntakeFailure(reason)) this.failureCounts[reason] += 1;
  }

  orderOutcomeUnknown(type: OrderType, reason: UnknownOutcomeReason): void {
    this.outcomeUnknown.with({ type, reason }).inc();
    this.failureCounts['outcome-unknown'] += 1;
  }

  snapshot(): IntakeSnapshot {
    const totalAccepted = Object.values(this.acceptedCounts).reduce((sum, count) => sum + count, 0);
    return { startedAt: this.startedAt.toISOString(), totalAccepted, acceptedByType: { ...this.acceptedCounts }, failures: { ...this.failureCounts } };
  }
}

function isIntakeFailure(reason: RejectionReason): reason is IntakeFailure & RejectionReason {
  return (INTAKE_FAILURES as readonly string[]).includes(reason);
}
