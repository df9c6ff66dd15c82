import { OrderType } from '@bss/contracts';

export interface LedgerEntry {
  readonly orderId: string;
  readonly type: OrderType;
  readonly appliedAt: string;
  readonly correlationId?: string;
  /** The processor that applied it (its `X-Processor` header). */
  readonly appliedBy?: string;
  /** Calls that carried this order's Idempotency-Key after it was applied. */
  duplicateAttempts: number;
}

export interface ApplyRequest {
  readonly orderId: string;
  readonly type: OrderType;
  readonly correlationId?: string;
  readonly appliedBy?: string;
}

export type ApplyOutcome = { status: 'applied'; entry: LedgerEntry } | { status: 'duplicate'; entry: LedgerEntry };

/**
 * The backend's record of applied orders, keyed by Idempotency-Key: an order applied twice is
 * recorded once and its extra calls are counted, which is how tests prove "never applied twice".
 */
export class OrderLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private duplicateAttempts = 0;

  apply(request: ApplyRequest): ApplyOutcome {
    const existing = this.entries.get(request.orderId);
    if (existing) {
      existing.duplicateAttempts += 1;
      this.duplicateAttempts += 1;
      return { status: 'duplicate', entry: existing };
    }
    const entry: LedgerEntry = { ...request, appliedAt: new Date().toISOString(), duplicateAttempts: 0 };
    this.entries.set(request.orderId, entry);
    return { status: 'applied', entry };
  }

  find(orderId: string): LedgerEntry | undefined {
    return this.entries.get(orderId);
  }

  list(filter: { type?: OrderType; limit: number; offset: number }): LedgerEntry[] {
    const all = [...this.entries.values()].filter((entry) => !filter.type || entry.type === filter.type);
    return all.slice(filter.offset, filter.offset + filter.limit);
  }

  stats(): { applied: number; byType: Partial<Record<OrderType, number>>; duplicateAttempts: number } {
    const byType: Partial<Record<OrderType, number>> = {};
    for (const entry of this.entries.values()) byType[entry.type] = (byType[entry.type] ?? 0) + 1;
    return { applied: this.entries.size, byType, duplicateAttempts: this.duplicateAttempts };
  }
}
