import { Attempt, ClientOrderRecord } from './behaving-client';
import { auditClientOrders } from './client-audit';
import { DeadLetter, LedgerEntry } from './tally';

const attempt = (outcome: Attempt['outcome'], orderId: string | undefined, at: number): Attempt => ({
  at,
  durationMs: 5,
  status: { accepted: 202, refused: 503, unknown: 504, invalid: 400, 'no-answer': 0 }[outcome],
  outcome,
  ...(orderId ? { orderId } : {}),
});

function record(index: number, attempts: Attempt[]): ClientOrderRecord {
  const accepted = attempts.find((candidate) => candidate.outcome === 'accepted');
  return { order: { index, type: 'MNP', correlationId: `run-${index}` }, attempts, ...(accepted ? { acceptedOrderId: accepted.orderId } : {}) };
}

const applied = (index: number, orderId: string): LedgerEntry => ({ orderId, type: 'MNP', outcome: 'applied', correlationId: `run-${index}`, duplicateAttempts: 0 });
const dead = (index: number, orderId: string): DeadLetter => ({ messageId: orderId, headers: { 'x-correlation-id': `run-${index}` } });

function audit(records: ClientOrderRecord[], ledger: LedgerEntry[], deadLetters: DeadLetter[] = []) {
  return auditClientOrders({ scenario: 's', records, ledger, deadLetters, readyAgainSec: 0, seconds: 1 });
}

describe('the chaos audit, per client order', () => {
  it('counts an order resolved by resending after an unknown outcome as applied once', () => {
    const result = audit([record(0, [attempt('unknown', 'a', 100), attempt('accepted', 'a', 1200)])], [applied(0, 'a')]);
    expect(result).toMatchObject({ sent: 1, accepted: 1, appliedOnce: 1, appliedTwice: 0, unknownAnswers: 1, unknownResolvedByResend: 1, refusedButApplied: 0 });
  });

  it('catches a refused order that was applied anyway, as refused but applied and as applied twice', () => {
    const result = audit([record(0, [attempt('refused', 'x', 100), attempt('accepted', 'y', 1200)])], [applied(0, 'x'), applied(0, 'y')]);
    expect(result).toMatchObject({ appliedOnce: 0, appliedTwice: 1, refusedButApplied: 1 });
  });

  it('catches a refused order that reached the dead letters while its resend was applied', () => {
    const result = audit([record(0, [attempt('refused', 'x', 100), attempt('accepted', 'y', 1200)])], [applied(0, 'y')], [dead(0, 'x')]);
    expect(result).toMatchObject({ appliedOnce: 0, appliedTwice: 1, refusedButApplied: 1 });
  });

  it('counts a 202 found nowhere as lost, and a dead letter as dead-lettered', () => {
    const result = audit([record(0, [attempt('accepted', 'a', 100)]), record(1, [attempt('accepted', 'b', 100)])], [], [dead(1, 'b')]);
    expect(result).toMatchObject({ lost: 1, deadLettered: 1, appliedOnce: 0 });
  });

  it('counts orders that never got their 202, answers that never came, and the longest stretch without a 202', () => {
    const result = audit(
      [record(0, [attempt('accepted', 'a', 0)]), record(1, [attempt('no-answer', undefined, 500), attempt('refused', 'c', 3000)]), record(2, [attempt('accepted', 'b', 4000)])],
      [applied(0, 'a'), applied(2, 'b')],
    );
    expect(result).toMatchObject({ unresolved: 1, noAnswer: 1, longestWithout202Sec: 4, appliedOnce: 2 });
  });
});
