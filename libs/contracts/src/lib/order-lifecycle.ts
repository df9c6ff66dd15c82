import { isOrderType, OrderType } from './order-type';
import { isPlainObject } from './validate';

/**
 * The states an order passes through, as its lifecycle events name them:
 * accepted → queued → in-progress → (retrying | deferred | pending) → applied | rejected |
 * dead-lettered → (replayed → queued …) | purged.
 */
export const ORDER_STATES = [
  'accepted',
  'queued',
  'in-progress',
  'retrying',
  'deferred',
  'pending',
  'applied',
  'rejected',
  'dead-lettered',
  'replayed',
  'purged',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States after which nothing more happens to an order unless an operator replays it (dead-lettered). */
export const FINAL_STATES: readonly OrderState[] = ['applied', 'rejected', 'dead-lettered', 'purged'];

/**
 * Where in its life an order was when something happened to it. Each counter only grows: a replay
 * starts a new generation, a retry a new attempt, a deferral (or a pending check) a new wait. Events
 * travel at least once and out of order, so it is this position, never arrival order, that says
 * which of two events is the later one.
 */
export interface OrderProgress {
  /** Replays so far: 0 until an operator replays the order's dead letter. */
  readonly generation: number;
  /** The delivery attempt, 1 for the first (the x-attempt header). */
  readonly attempt: number;
  /** Deferrals and pending checks so far within the order's life (the x-deferrals header). */
  readonly deferrals: number;
}

export const FIRST_PROGRESS: OrderProgress = { generation: 0, attempt: 1, deferrals: 0 };

/**
 * Order of states at the same progress. States that open a new position (a retry's next attempt, a
 * deferral's next wait, a replay's next generation) come first in it; what follows happens in it.
 */
const STATE_RANK: Record<OrderState, number> = {
  replayed: 0,
  retrying: 0,
  deferred: 0,
  accepted: 1,
  queued: 2,
  'in-progress': 3,
  pending: 4,
  applied: 5,
  rejected: 5,
  'dead-lettered': 5,
  purged: 6,
};

/** What the event says beyond its state; every text is already masked by its publisher. */
export interface OrderEventDetail {
  /** Why: the backend's rejection, the dead-letter reason, the error before a retry or deferral. */
  readonly reason?: string;
  /** For retrying, deferred and pending: when the order is tried (or its backend asked) again. */
  readonly nextAttemptAt?: string;
  /** For pending: the backend's reference for the order. */
  readonly reference?: string;
  /** For accepted: the order's payload, personal data masked. */
  readonly summary?: Record<string, unknown>;
  /** Who did it, for operator actions (replayed, purged). */
  readonly actor?: string;
}

/** One transition of one order, as producer-api, the processors and the ops console publish it. */
export interface OrderLifecycleEvent {
  readonly orderId: string;
  readonly type: OrderType;
  readonly state: OrderState;
  /** ISO-8601 instant of the transition, as the publisher saw it. */
  readonly at: string;
  readonly progress: OrderProgress;
  /** The placing API key's id (never the key), carried by every event that knows it. */
  readonly clientId?: string;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly acceptedAt?: string;
  readonly detail?: OrderEventDetail;
}

export function isOrderState(value: unknown): value is OrderState {
  return (ORDER_STATES as readonly unknown[]).includes(value);
}

/** The rank of a state within its progress; see STATE_RANK. */
export function stateRank(state: OrderState): number {
  return STATE_RANK[state];
}

/** A sortable position of an event in its order's life: (generation, attempt, deferrals, rank). */
export function lifePosition(event: Pick<OrderLifecycleEvent, 'state' | 'progress'>): readonly [number, number, number, number] {
  const { generation, attempt, deferrals } = event.progress;
  return [generation, attempt, deferrals, stateRank(event.state)];
}

/** Negative when `a` happened earlier in the order's life than `b`, positive when later, 0 at the same position. */
export function compareLifePosition(
  a: Pick<OrderLifecycleEvent, 'state' | 'progress'>,
  b: Pick<OrderLifecycleEvent, 'state' | 'progress'>,
): number {
  const left = lifePosition(a);
  const right = lifePosition(b);
  for (let index = 0; index < left.length; index += 1) {
    if (left[index] !== right[index]) return left[index] - right[index];
  }
  return 0;
}

/** The same transition delivered twice has the same key; two different transitions never do. */
export function eventKeyOf(event: Pick<OrderLifecycleEvent, 'orderId' | 'state' | 'progress'>): string {
  const { generation, attempt, deferrals } = event.progress;
  return `${event.orderId}|${generation}.${attempt}.${deferrals}|${event.state}`;
}

/**
 * Decodes one published batch of lifecycle events. A batch is all or nothing: any defect rejects it
 * whole, with the first problem named, so a malformed publisher is noticed rather than half-recorded.
 */
export function decodeLifecycleEvents(content: Buffer): { ok: true; events: OrderLifecycleEvent[] } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(raw)) return { ok: false, problem: 'a batch of lifecycle events must be a JSON array' };
  const events: OrderLifecycleEvent[] = [];
  for (const [index, item] of raw.entries()) {
    const problem = lifecycleEventProblem(item);
    if (problem) return { ok: false, problem: `event ${index}: ${problem}` };
    events.push(item as OrderLifecycleEvent);
  }
  return { ok: true, events };
}

function lifecycleEventProblem(item: unknown): string | undefined {
  if (!isPlainObject(item)) return 'not an object';
  if (typeof item['orderId'] !== 'string' || item['orderId'].length === 0) return 'orderId is missing';
  if (!isOrderType(item['type'])) return `unknown order type ${JSON.stringify(item['type'])}`;
  if (!isOrderState(item['state'])) return `unknown state ${JSON.stringify(item['state'])}`;
  if (typeof item['at'] !== 'string' || Number.isNaN(Date.parse(item['at']))) return 'at must be an ISO-8601 instant';
  const progress = item['progress'];
  if (!isPlainObject(progress)) return 'progress is missing';
  for (const counter of ['generation', 'attempt', 'deferrals'] as const) {
    if (!Number.isSafeInteger(progress[counter]) || (progress[counter] as number) < 0) return `progress.${counter} must be a whole number ≥ 0`;
  }
  for (const field of ['clientId', 'idempotencyKey', 'correlationId', 'acceptedAt'] as const) {
    if (item[field] !== undefined && typeof item[field] !== 'string') return `${field} must be a string`;
  }
  if (item['detail'] !== undefined && !isPlainObject(item['detail'])) return 'detail must be an object';
  return undefined;
}

export function encodeLifecycleEvents(events: readonly OrderLifecycleEvent[]): Buffer {
  return Buffer.from(JSON.stringify(events), 'utf8');
}

