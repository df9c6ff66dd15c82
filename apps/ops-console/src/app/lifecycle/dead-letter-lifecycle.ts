import { ORDER_HEADERS, OrderLifecycleEvent, OrderProgress, OrderState, OrderType, parseOrderType } from '@bss/contracts';
import { LifecycleRecorder } from '@bss/messaging';
import { maskPersonalDataInText } from '@bss/observability';
import { CollectedDeadLetter, ReplayCandidate } from '../store/dead-letter';

/** A dead letter as far as its order's lifecycle needs it: the order and where in its life it failed. */
interface DeadLetterFacts {
  readonly orderId: string | null | undefined;
  readonly orderType: string;
  readonly headers: Record<string, unknown>;
}

/**
 * The console's part of the lifecycle: every dead letter it collects (including those the broker
 * dead-letters itself, which no processor reports), and what operators do with them. A replay starts
 * the order's next generation, and the replayed copy carries it (x-replays) so the processors' events
 * of the new run are ordered after the dead letter.
 */
export class DeadLetterLifecycle {
  constructor(private readonly recorder: LifecycleRecorder) {}

  collected(record: CollectedDeadLetter): void {
    const reason = record.lastError ? `${record.reason}: ${maskPersonalDataInText(record.lastError)}` : record.reason;
    this.report(record, 'dead-lettered', progressOf(record.headers), { reason });
  }

  replayed(row: ReplayCandidate, actor: string): void {
    this.report(factsOf(row), 'replayed', { ...progressOf(row.headers), generation: replaysOf(row.headers) + 1, attempt: 1 }, { actor });
  }

  purged(row: ReplayCandidate, actor: string): void {
    this.report(factsOf(row), 'purged', progressOf(row.headers), { actor });
  }

  private report(facts: DeadLetterFacts, state: OrderState, progress: OrderProgress, detail: OrderLifecycleEvent['detail']): void {
    const type: OrderType | undefined = parseOrderType(facts.orderType);
    if (!facts.orderId || !type) return;
    const clientId = facts.headers[ORDER_HEADERS.clientId];
    const correlationId = facts.headers[ORDER_HEADERS.correlationId];
    this.recorder.recordInBackground([
      {
        orderId: facts.orderId,
        type,
        state,
        at: new Date().toISOString(),
        progress,
        ...(typeof clientId === 'string' ? { clientId } : {}),
        ...(typeof correlationId === 'string' ? { correlationId } : {}),
        detail,
      },
    ]);
  }
}

function factsOf(row: ReplayCandidate): DeadLetterFacts {
  return { orderId: row.properties.messageId, orderType: row.orderType, headers: row.headers };
}

/** The next generation a replay of this dead letter starts: one more than the replays it had. */
export function replaysOf(headers: Record<string, unknown>): number {
  return counterHeader(headers[ORDER_HEADERS.replays], 0);
}

function progressOf(headers: Record<string, unknown>): OrderProgress {
  return {
    generation: replaysOf(headers),
    attempt: counterHeader(headers[ORDER_HEADERS.attempt], 1),
    deferrals: counterHeader(headers[ORDER_HEADERS.deferrals], 0),
  };
}

function counterHeader(value: unknown, least: number): number {
  const number = Number(value);
  return Number.isSafeInteger(number) && number >= least ? number : least;
}
