import { topologyNames } from '@bss/contracts';
import { DEFERRAL_DELAYS_MS, deferralDelayFor } from './deferral-ladder';

describe('the deferral ladder', () => {
  it('is a few ascending whole-millisecond steps, each of which names a queue', () => {
    expect(DEFERRAL_DELAYS_MS).toEqual([1000, 5000, 15000, 60000]);
    expect([...DEFERRAL_DELAYS_MS].sort((a, b) => a - b)).toEqual(DEFERRAL_DELAYS_MS);
    expect(new Set(DEFERRAL_DELAYS_MS).size).toBe(DEFERRAL_DELAYS_MS.length);
    for (const delayMs of DEFERRAL_DELAYS_MS) expect(() => topologyNames().deferralQueueFor(delayMs)).not.toThrow();
  });

  it.each([
    [0, 1000],
    [10, 1000],
    [1000, 1000],
    [1001, 5000],
    [4999, 5000],
    [5000, 5000],
    [5001, 15000],
    [15000, 15000],
    [15001, 60000],
    [60000, 60000],
  ])('defers a wait of %i ms by the smallest step that covers it (%i ms)', (waitMs, delayMs) => {
    expect(deferralDelayFor(waitMs)).toBe(delayMs);
  });

  it('defers a wait longer than every step by the largest, after which the order asks again', () => {
    expect(deferralDelayFor(60_001)).toBe(60_000);
    expect(deferralDelayFor(3_600_000)).toBe(60_000);
    expect(deferralDelayFor(Number.POSITIVE_INFINITY)).toBe(60_000);
  });
});
