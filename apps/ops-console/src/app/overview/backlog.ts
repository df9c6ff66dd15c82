import { OrderType } from '@bss/contracts';
import type { WaitingOrders } from '@bss/order-tracking';

/** What the tracking store said at one sample: what waits per type, or why it could not say. */
export type TrackingReading = { readonly waiting: readonly WaitingOrders[] } | { readonly unavailable: string };

/**
 * A duration in seconds, or null with the reason it is not known. `infinite` marks the one unknown
 * that has a value all the same: a backlog that does not drain at all takes forever at this rate.
 */
export interface Estimate {
  readonly seconds: number | null;
  readonly reason?: string;
  readonly infinite?: true;
}

export interface Backlog {
  /** Orders the tracker sees in a waiting state (in a queue, a retry or a deferral); null when unknown. */
  readonly waitingOrders: number | null;
  /** How long the oldest of them has been waiting since it was accepted; 0 when none waits. */
  readonly oldestAge: Estimate;
  /** The queue's depth at the current drain rate. */
  readonly drainTime: Estimate;
}

export const TRACKING_UNAVAILABLE = 'tracking store unavailable';

/** The backlog of one type at a sample taken at `at` (ms): `depth` and `drainRate` are the queue's. */
export function backlogOf(type: OrderType, at: number, depth: number, drainRate: number | null, tracking: TrackingReading | undefined): Backlog {
  return { ...waitingOf(type, at, tracking), drainTime: drainTime(depth, drainRate) };
}

export function drainTime(depth: number, drainRate: number | null): Estimate {
  if (depth === 0) return { seconds: 0 };
  if (drainRate === null) return { seconds: null, reason: 'no drain rate measured yet' };
  if (drainRate <= 0) return { seconds: null, reason: 'not draining (drain rate 0/s)', infinite: true };
  return { seconds: tenths(depth / drainRate) };
}

/** The value a gauge shows for an estimate: Prometheus has +Inf for forever, and NaN for not known. */
export function gaugeValueOf(estimate: Estimate): number {
  if (estimate.seconds !== null) return estimate.seconds;
  return estimate.infinite ? Number.POSITIVE_INFINITY : Number.NaN;
}

function waitingOf(type: OrderType, at: number, tracking: TrackingReading | undefined): Pick<Backlog, 'waitingOrders' | 'oldestAge'> {
  if (!tracking) return { waitingOrders: null, oldestAge: { seconds: null, reason: 'not sampled yet' } };
  if ('unavailable' in tracking) return { waitingOrders: null, oldestAge: { seconds: null, reason: TRACKING_UNAVAILABLE } };
  const waiting = tracking.waiting.find((entry) => entry.type === type);
  if (!waiting || waiting.waiting === 0) return { waitingOrders: 0, oldestAge: { seconds: 0 } };
  // Events travel out of order: an order's queued event can be recorded before its accepted one.
  if (waiting.oldestAcceptedAt === undefined) return { waitingOrders: waiting.waiting, oldestAge: { seconds: null, reason: 'accepted times not recorded yet' } };
  // The console's clock and the producer's may disagree by a little; an age is never negative.
  return { waitingOrders: waiting.waiting, oldestAge: { seconds: tenths(Math.max(0, at - Date.parse(waiting.oldestAcceptedAt)) / 1000) } };
}

function tenths(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
