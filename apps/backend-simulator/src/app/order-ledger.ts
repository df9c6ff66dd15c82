import { OrderType } from '@bss/contracts';

/** What the backend finally decided about an order. */
export type FinalOutcome = 'applied' | 'rejected';

export type LedgerOutcome = FinalOutcome | 'pending';

export interface LedgerEntry {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly type: OrderType;
  readonly outcome: LedgerOutcome;
  /** Why a business rule refused the order; only for `rejected`. */
  readonly detail?: string;
  /** When the entry got its outcome: for an order that pended, when it resolved (until then, when it was accepted). */
  readonly appliedAt: string;
  /** Only for an order accepted as pending: when it resolves (or resolved). */
  readonly pendingUntil?: string;
  readonly correlationId?: string;
  /** The processor that applied it (its `X-Processor` header). */
  readonly appliedBy?: string;
  /** Which replica of that processor (its `X-Processor-Instance` header): how the replicas shared the work. */
  readonly appliedByInstance?: string;
  /** Calls that carried this entry's Idempotency-Key after its outcome was answered. */
  duplicateAttempts: number;
  /**
   * Only for an order accepted as pending: calls with its key that asked for the result, up to and
   * including the one told the final outcome. They are the protocol, not duplicates.
   */
  statusInquiries?: number;
}

export interface RecordRequest extends Omit<LedgerEntry, 'outcome' | 'appliedAt' | 'pendingUntil' | 'duplicateAttempts' | 'statusInquiries'> {
  /** The outcome the order gets, at once or, when it pends, once it resolves. */
  readonly outcome: FinalOutcome;
  /** Epoch ms until which a new order stays pending; absent for an order decided at once. */
  readonly pendingUntilMs?: number;
}

export type RecordResult =
  /** Answered as a first application: a new order, or the first call after a pending one resolved. */
  | { readonly status: 'recorded'; readonly entry: LedgerEntry }
  | { readonly status: 'duplicate'; readonly entry: LedgerEntry }
  | { readonly status: 'pending'; readonly entry: LedgerEntry; readonly remainingMs: number };

/** The outcome a pending order resolves to, kept out of its entry until then. */
interface Resolution {
  readonly atMs: number;
  readonly outcome: FinalOutcome;
  readonly detail?: string;
}

/**
 * The backend's record of handled orders, keyed by Idempotency-Key as a real backend would: a
 * repeated key is recorded once and its extra calls counted. Because the key, not the order id, is
 * what deduplicates, a processor that sent a different key for the same order would show up here as
 * an order applied twice — which is how tests prove that never happens.
 *
 * An order may pend: it is recorded at once but gets its outcome only when its time is up, and
 * the first call with its key after that is told the outcome as if the order had just been handled.
 */
export class OrderLedger {
  private readonly byKey = new Map<string, LedgerEntry>();
  private readonly keysByOrder = new Map<string, string[]>();
  private readonly pending = new Map<string, Resolution>();
  /** Keys of resolved orders whose outcome no call has been told yet. */
  private readonly untold = new Set<string>();
  private duplicateAttempts = 0;
  private statusInquiries = 0;

  record(request: RecordRequest, nowMs = Date.now()): RecordResult {
    const existing = this.byKey.get(request.idempotencyKey);
    if (existing) return this.repeat(this.settle(existing, nowMs), nowMs);
    const { pendingUntilMs, outcome, detail, ...identity } = request;
    const appliedAt = new Date(nowMs).toISOString();
    const decided = { outcome, ...(detail === undefined ? {} : { detail }) };
    const pends = pendingUntilMs !== undefined && pendingUntilMs > nowMs;
    const entry: LedgerEntry = pends
      ? { ...identity, outcome: 'pending', appliedAt, pendingUntil: new Date(pendingUntilMs).toISOString(), duplicateAttempts: 0, statusInquiries: 0 }
      : { ...identity, ...decided, appliedAt, duplicateAttempts: 0 };
    this.byKey.set(request.idempotencyKey, entry);
    this.keysByOrder.set(request.orderId, [...(this.keysByOrder.get(request.orderId) ?? []), request.idempotencyKey]);
    if (!pends) return { status: 'recorded', entry };
    this.pending.set(request.idempotencyKey, { atMs: pendingUntilMs, ...decided });
    return { status: 'pending', entry, remainingMs: pendingUntilMs - nowMs };
  }

  /** Every entry recorded for an order id; more than one means it was applied twice. */
  findByOrder(orderId: string, nowMs = Date.now()): LedgerEntry[] {
    return (this.keysByOrder.get(orderId) ?? []).map((key) => this.settle(this.byKey.get(key) as LedgerEntry, nowMs));
  }

  list(filter: { type?: OrderType; limit: number; offset: number }, nowMs = Date.now()): LedgerEntry[] {
    this.settleAll(nowMs);
    const all = [...this.byKey.values()].filter((entry) => !filter.type || entry.type === filter.type);
    return all.slice(filter.offset, filter.offset + filter.limit);
  }

  stats(nowMs = Date.now()) {
    this.settleAll(nowMs);
    const byType: Partial<Record<OrderType, number>> = {};
    let applied = 0;
    let rejected = 0;
    for (const entry of this.byKey.values()) {
      if (entry.outcome === 'applied') {
        applied += 1;
        byType[entry.type] = (byType[entry.type] ?? 0) + 1;
      } else if (entry.outcome === 'rejected') {
        rejected += 1;
      }
    }
    const ordersAppliedMoreThanOnce = [...this.keysByOrder.values()].filter((keys) => keys.length > 1).length;
    return {
      applied,
      rejected,
      pending: this.pending.size,
      byType,
      duplicateAttempts: this.duplicateAttempts,
      statusInquiries: this.statusInquiries,
      ordersAppliedMoreThanOnce,
    };
  }

  private repeat(entry: LedgerEntry, nowMs: number): RecordResult {
    const key = entry.idempotencyKey;
    const resolution = this.pending.get(key);
    if (resolution || this.untold.delete(key)) {
      this.inquired(entry);
      return resolution ? { status: 'pending', entry, remainingMs: resolution.atMs - nowMs } : { status: 'recorded', entry };
    }
    entry.duplicateAttempts += 1;
    this.duplicateAttempts += 1;
    return { status: 'duplicate', entry };
  }

  private inquired(entry: LedgerEntry): void {
    entry.statusInquiries = (entry.statusInquiries ?? 0) + 1;
    this.statusInquiries += 1;
  }

  /** The entry as it stands at `nowMs`: a pending order whose time is up gets its outcome, dated when it resolved. */
  private settle(entry: LedgerEntry, nowMs: number): LedgerEntry {
    const resolution = this.pending.get(entry.idempotencyKey);
    if (!resolution || resolution.atMs > nowMs) return entry;
    const { atMs, ...outcome } = resolution;
    const resolved: LedgerEntry = { ...entry, ...outcome, appliedAt: new Date(atMs).toISOString() };
    this.byKey.set(entry.idempotencyKey, resolved);
    this.pending.delete(entry.idempotencyKey);
    this.untold.add(entry.idempotencyKey);
    return resolved;
  }

  private settleAll(nowMs: number): void {
    for (const key of this.pending.keys()) this.settle(this.byKey.get(key) as LedgerEntry, nowMs);
  }
}
