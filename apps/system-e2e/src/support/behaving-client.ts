import { EXAMPLE_PAYLOADS, OrderType } from '@bss/contracts';

/** One order a client means to place, whatever it takes: it is placed exactly once or not at all. */
export interface ClientOrder {
  readonly index: number;
  readonly type: OrderType;
  /** The client tags every attempt at this order with it, so the backend's ledger shows which order an entry was. */
  readonly correlationId: string;
  /** A key of the client's own; without one the client relies on the key the API hands out. */
  readonly ownKey?: string;
}

export type AttemptOutcome = 'accepted' | 'refused' | 'unknown' | 'invalid' | 'no-answer';

export interface Attempt {
  /** When the answer came, in ms since the run started. */
  readonly at: number;
  readonly status: number;
  readonly outcome: AttemptOutcome;
  /** How long the answer took. */
  readonly durationMs: number;
  /** The order id the answer named (202, 503 and 504 name one). */
  readonly orderId?: string;
  /** The answer's Retry-After in seconds, if it had a valid one. */
  readonly retryAfterSec?: number;
  /** Why a 503 or 504 said so (`broker-blocked`, `confirm-timeout`...). */
  readonly reason?: string;
}

export interface ClientOrderRecord {
  readonly order: ClientOrder;
  readonly attempts: Attempt[];
  /** The order id of the 202, once one came. */
  acceptedOrderId?: string;
}

export interface BehavingClientOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** Run start, for attempt times. */
  readonly startedAt: number;
  /** After this instant (Date.now()) an order that has not got its 202 is given up. */
  readonly giveUpAt: () => number;
  readonly requestTimeoutMs?: number;
}

const OUTCOMES: Record<number, AttemptOutcome> = { 202: 'accepted', 503: 'refused', 504: 'unknown' };

/**
 * A client that does what the API tells it: on 503 it waits Retry-After and sends the order again
 * (it was not accepted); on 504 (outcome unknown) it waits Retry-After and resends it with the
 * idempotency key the answer carries, and keeps that key for every later resend; it stops at 202.
 * An answer that never comes (the connection failed) is treated like an unknown outcome: resend
 * with the key it has, if it has one.
 */
export class BehavingClient {
  constructor(private readonly options: BehavingClientOptions) {}

  async place(order: ClientOrder): Promise<ClientOrderRecord> {
    const record: ClientOrderRecord = { order, attempts: [] };
    let key = order.ownKey;
    for (;;) {
      const { attempt, retryAfterMs, keyFromAnswer } = await this.attempt(order, key);
      record.attempts.push(attempt);
      if (attempt.outcome === 'accepted') {
        record.acceptedOrderId = attempt.orderId;
        return record;
      }
      if (attempt.outcome === 'invalid' || Date.now() >= this.options.giveUpAt()) return record;
      if (attempt.outcome === 'unknown') key = keyFromAnswer ?? key;
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
    }
  }

  private async attempt(order: ClientOrder, key: string | undefined) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-correlation-id': order.correlationId };
    if (key) headers['idempotency-key'] = key;
    if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;
    const sentAt = Date.now();
    try {
      const response = await fetch(`${this.options.baseUrl}/api/v1/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: order.type, payload: EXAMPLE_PAYLOADS[order.type] }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string; idempotencyKey?: string; reason?: string };
      const retryAfterSec = Number(response.headers.get('retry-after') ?? Number.NaN);
      const attempt: Attempt = {
        at: Date.now() - this.options.startedAt,
        durationMs: Date.now() - sentAt,
        status: response.status,
        outcome: OUTCOMES[response.status] ?? 'invalid',
        ...(body.orderId ? { orderId: body.orderId } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
        ...(Number.isFinite(retryAfterSec) && retryAfterSec >= 0 ? { retryAfterSec } : {}),
      };
      return { attempt, retryAfterMs: 1000 * (attempt.retryAfterSec ?? 1), keyFromAnswer: body.idempotencyKey };
    } catch {
      const attempt: Attempt = { at: Date.now() - this.options.startedAt, durationMs: Date.now() - sentAt, status: 0, outcome: 'no-answer' };
      return { attempt, retryAfterMs: 1000, keyFromAnswer: undefined };
    }
  }
}

/** Order `index` of a run: every other one with a key of the client's own, so both kinds of client are audited. */
export function clientOrder(run: string, index: number, type: OrderType): ClientOrder {
  return { index, type, correlationId: `${run}-${index}`, ...(index % 2 === 0 ? { ownKey: `${run}:${index}` } : {}) };
}

/**
 * Open loop: order `index` starts at `index / ratePerSecond` whatever earlier ones are doing, for
 * as long as `more(index)` says; resolves when every order placed has its final answer.
 */
export async function placeOpenLoop(
  client: BehavingClient,
  orderAt: (index: number) => ClientOrder,
  ratePerSecond: number,
  more: (index: number) => boolean,
): Promise<ClientOrderRecord[]> {
  const started = performance.now();
  const placing: Promise<ClientOrderRecord>[] = [];
  for (let index = 0; more(index); index += 1) {
    const wait = started + (index * 1000) / ratePerSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    placing.push(client.place(orderAt(index)));
  }
  return Promise.all(placing);
}
