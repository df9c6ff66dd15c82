import { ORDER_HEADERS } from '@bss/contracts';
import { ClientOrderRecord } from './behaving-client';
import { DeadLetter, LedgerEntry } from './tally';

/** One chaos scenario audited per order the client meant to place. */
export interface ClientAudit {
  readonly scenario: string;
  /** Orders the client meant to place. */
  readonly sent: number;
  /** Of them, those that got their 202 in the end. */
  readonly accepted: number;
  /** Reached the backend's ledger under exactly one order id, and nowhere else. */
  readonly appliedOnce: number;
  /** Reached the ledger or the dead letters under more than one order id, or the ledger twice. */
  readonly appliedTwice: number;
  /** A dead letter under one order id, and not applied. */
  readonly deadLettered: number;
  /** Got a 202 and is neither in the backend's ledger nor a dead letter. */
  readonly lost: number;
  /**
   * An order id the client was only ever told "not accepted" (503) for, found in the ledger or the
   * dead letters. Only orders sent without a key of the client's own can show it: a keyed order's
   * attempts all share one order id, so a refused copy could not be applied apart from the rest.
   */
  readonly refusedButApplied: number;
  /** 504 answers (outcome unknown), and how many orders that had one ended with a 202 by resending as told. */
  readonly unknownAnswers: number;
  readonly unknownResolvedByResend: number;
  /** Attempts that got no answer at all (the connection failed or timed out). */
  readonly noAnswer: number;
  /** Orders that never got a 202 before the client gave up. */
  readonly unresolved: number;
  /** The longest stretch without any 202 while orders were being placed. */
  readonly longestWithout202Sec: number;
  /** From the fault until every app was ready for good, or `never` if one was still not ready at the end. */
  readonly readyAgainSec: number | 'never';
  readonly seconds: number;
}

export interface AuditInput {
  readonly scenario: string;
  readonly records: readonly ClientOrderRecord[];
  readonly ledger: readonly LedgerEntry[];
  readonly deadLetters: readonly DeadLetter[];
  readonly readyAgainSec: number | undefined;
  readonly seconds: number;
}

/**
 * Counts per client order, not per order id: every attempt at one order carries its correlation
 * id, which the ledger records (and dead letters carry). A client that resent a refused order
 * without its key makes a second order id: if both reached the backend or the dead letters, the
 * order shows as applied twice, and the refused id as refused but applied.
 */
export function auditClientOrders(input: AuditInput): ClientAudit {
  const entriesByCorrelation = groupBy(input.ledger, (entry) => entry.correlationId);
  const deadByCorrelation = groupBy(input.deadLetters, (letter) => stringOrUndefined(letter.headers[ORDER_HEADERS.correlationId]));
  let appliedOnce = 0;
  let appliedTwice = 0;
  let deadLettered = 0;
  let lost = 0;
  let refusedButApplied = 0;
  for (const record of input.records) {
    const entries = entriesByCorrelation.get(record.order.correlationId) ?? [];
    const dead = deadByCorrelation.get(record.order.correlationId) ?? [];
    const handledIds = new Set([...entries.map((entry) => entry.orderId), ...dead.map((letter) => letter.messageId ?? '')]);
    if (handledIds.size > 1 || entries.length > 1) appliedTwice += 1;
    else if (entries.length === 1) appliedOnce += 1;
    else if (dead.length > 0) deadLettered += 1;
    else if (record.acceptedOrderId) lost += 1;
    const refusedOnly = refusedOnlyIds(record);
    if ([...handledIds].some((id) => refusedOnly.has(id))) refusedButApplied += 1;
  }
  const attempts = input.records.flatMap((record) => record.attempts);
  return {
    scenario: input.scenario,
    sent: input.records.length,
    accepted: input.records.filter((record) => record.acceptedOrderId).length,
    appliedOnce,
    appliedTwice,
    deadLettered,
    lost,
    refusedButApplied,
    unknownAnswers: attempts.filter((attempt) => attempt.outcome === 'unknown').length,
    unknownResolvedByResend: input.records.filter((record) => record.acceptedOrderId && record.attempts.some((attempt) => attempt.outcome === 'unknown')).length,
    noAnswer: attempts.filter((attempt) => attempt.outcome === 'no-answer').length,
    unresolved: input.records.filter((record) => !record.acceptedOrderId).length,
    longestWithout202Sec: longestGapSeconds(attempts.filter((attempt) => attempt.outcome === 'accepted').map((attempt) => attempt.at), attempts),
    readyAgainSec: input.readyAgainSec ?? 'never',
    seconds: input.seconds,
  };
}

/** Ids named only by 503 answers: ids that a 202 or 504 also named may legitimately be applied. */
function refusedOnlyIds(record: ClientOrderRecord): Set<string> {
  const named = (outcomes: string[]) => new Set(record.attempts.filter((attempt) => outcomes.includes(attempt.outcome) && attempt.orderId).map((attempt) => attempt.orderId as string));
  const live = named(['accepted', 'unknown']);
  return new Set([...named(['refused'])].filter((id) => !live.has(id)));
}

/** From the first answer to the last one, the longest time between two 202s (or from the start to the first). */
function longestGapSeconds(acceptedAt: number[], attempts: readonly { at: number }[]): number {
  if (attempts.length === 0) return 0;
  const first = attempts.reduce((earliest, attempt) => Math.min(earliest, attempt.at), Infinity);
  const last = attempts.reduce((latest, attempt) => Math.max(latest, attempt.at), -Infinity);
  const marks = [first, ...[...acceptedAt].sort((a, b) => a - b), last];
  let longest = 0;
  for (let index = 1; index < marks.length; index += 1) longest = Math.max(longest, marks[index] - marks[index - 1]);
  return Math.round(longest / 100) / 10;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
