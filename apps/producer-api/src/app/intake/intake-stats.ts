import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { REFUSAL_REASONS, RefusalReason } from '@bss/messaging';

export type IntakeFailure = 'invalid' | RefusalReason | 'outcome-unknown';

/** Counters of this process's intake since start, for `/api/stats`. */
export class IntakeStats {
  readonly startedAt = new Date();
  private readonly accepted = Object.fromEntries(ORDER_TYPES.map((type) => [type, 0])) as Record<OrderType, number>;
  private readonly failures = Object.fromEntries(['invalid', ...REFUSAL_REASONS, 'outcome-unknown'].map((failure) => [failure, 0])) as Record<
    IntakeFailure,
    number
  >;

  recordAccepted(type: OrderType): void {
    this.accepted[type] += 1;
  }

  recordFailure(failure: IntakeFailure): void {
    this.failures[failure] += 1;
  }

  snapshot() {
    const totalAccepted = Object.values(this.accepted).reduce((sum, count) => sum + count, 0);
    return { startedAt: this.startedAt.toISOString(), totalAccepted, acceptedByType: { ...this.accepted }, failures: { ...this.failures } };
  }
}
