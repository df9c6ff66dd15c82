/**
 * How long an order waits when the backend budget cannot admit it before its processing deadline
 * (a deferral: no attempt is spent). Each step is a delay queue of its own with the TTL set on the
 * queue (`x-message-ttl`), not on the message: RabbitMQ expires messages only at the head of a queue,
 * so in a queue of per-message TTLs one long wait holds every shorter one queued behind it. With one
 * TTL per queue, arrival order is expiry order and nothing waits behind a longer delay.
 *
 * The steps cover the waits the budget reports: 1 s for a full in-flight cap or an unreachable Redis,
 * 5 s and 15 s for a short backlog of reservations, 60 s for anything longer — such an order comes
 * back after a minute and asks the budget again rather than sleeping for its whole wait. Steps are
 * ascending. Adding one adds a queue; removing one leaves its queue to drain and be deleted by hand.
 */
export const DEFERRAL_DELAYS_MS: readonly number[] = Object.freeze([1_000, 5_000, 15_000, 60_000]);

/** The deferral step for an order that must wait at least `waitMs`: the smallest that covers it, else the largest. */
export function deferralDelayFor(waitMs: number): number {
  return DEFERRAL_DELAYS_MS.find((delayMs) => delayMs >= waitMs) ?? DEFERRAL_DELAYS_MS[DEFERRAL_DELAYS_MS.length - 1];
}
