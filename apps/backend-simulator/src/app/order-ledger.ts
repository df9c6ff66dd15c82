import { OrderType } from '@bss/contracts';

export type LedgerOutcome = 'applied' | 'rejected';

export interface LedgerEntry {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly type: OrderType;
  readonly outcome: LedgerOutcome;
  /** Why a business rule refused the order; only for `rejected`. */
  readonly detail?: string;
  readonly appliedAt: string;
  readonly correlationId?: string;
  /** The processor that applied it (its `X-Processor` header). */
  readonly appliedBy?: string;
  /** Calls that carried this entry's Idempotency-Key after it was recorded. */
  duplicateAttempts: number;
}

export type RecordRequest = Omit<LedgerEntry, 'appliedAt' | 'duplicateAttempts'>;

export type RecordResult = { readonly status: 'recorded' | 'duplicate'; readonly entry: LedgerEntry };

/**
 * The backend's record of handled orders, keyed by Idempotency-Key as a real backend would: a
 * repeated key is recorded once and its extra calls counted. Because the key, not the order id, is
 * what deduplicates, a processor that sent a different key for the same order would show up here as
 * an order applied twice — which is how tests prove that never happens.
 */
export class OrderLedger {
  private readonly byKey = new Map<string, LedgerEntry>();
  private readonly keysByOrder = new Map<string, string[]>();
  private duplicateAttempts = 0;

  record(request: RecordRequest): RecordResult {
    const existing = this.byKey.get(request.idempotencyKey);
    if (existing) {
      existing.duplicateAttempts += 1;
      this.duplicateAttempts += 1;
      return { status: 'duplicate', entry: existing };
    }
    const entry: LedgerEntry = { ...request, appliedAt: new Date().toISOString(), duplicateAttempts: 0 };
    this.byKey.set(request.idempotencyKey, entry);
    this.keysByOrder.set(request.orderId, [...(this.keysByOrder.get(request.orderId) ?? []), request.idempotencyKey]);
    return { status: 'recorded', entry };
  }

  /** Every entry recorded for an order id; more than one means it was applied twice. */
  findByOrder(orderId: string): LedgerEntry[] {
    return (this.keysByOrder.get(orderId) ?? []).map((key) => this.byKey.get(key) as LedgerEntry);
  }

  list(filter: { type?: OrderType; limit: number; offset: number }): LedgerEntry[] {
    const all = [...this.byKey.values()].filter((entry) => !filter.type || entry.type === filter.type);
    return all.slice(filter.offset, filter.offset + filter.limit);
  }

  stats() {
    const byType: Partial<Record<OrderType, number>> = {};
    let applied = 0;
    let rejected = 0;
    for (const entry of this.byKey.values()) {
      if (entry.outcome === 'applied') {
        applied += 1;
        byType[entry.type] = (byType[entry.type] ?? 0) + 1;
      } else {
        rejected += 1;
      }
    }
    const ordersAppliedMoreThanOnce = [...this.keysByOrder.values()].filter((keys) => keys.length > 1).length;
    return { applied, rejected, byType, duplicateAttempts: this.duplicateAttempts, ordersAppliedMoreThanOnce };
  }
}
