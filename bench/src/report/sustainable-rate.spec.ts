import { afterHold, depthSlopePerSec, isSustainable, nextRate } from './sustainable-rate';

const samples = (depths: number[]) => depths.map((depth, index) => ({ atMs: index * 1000, depth }));

describe('the sustainable-rate search', () => {
  it('measures how fast the queue grows', () => {
    expect(depthSlopePerSec(samples([0, 100, 200, 300]))).toBeCloseTo(100);
    expect(depthSlopePerSec(samples([50, 40, 40, 50]))).toBeCloseTo(0);
    expect(depthSlopePerSec(samples([7]))).toBe(0);
  });

  it('calls a hold sustainable only when intake took the load and the queue stayed flat', () => {
    const flat = { offeredPerSec: 1000, acceptedPerSec: 995, errors: 0, depth: samples([10, 30, 5, 20, 15]) };
    expect(isSustainable(flat)).toBe(true);
    expect(isSustainable({ ...flat, depth: samples([0, 100, 200, 300]) })).toBe(false);
    expect(isSustainable({ ...flat, acceptedPerSec: 900 })).toBe(false);
    expect(isSustainable({ ...flat, errors: 3 })).toBe(false);
  });

  it('doubles until a rate fails, then bisects the bracket until it is within 15 %', () => {
    let state = {};
    let rate: number | undefined = 500;
    const held: number[] = [];
    const capacity = 3100;
    while (rate !== undefined && held.length < 20) {
      held.push(rate);
      state = afterHold(state, rate, rate <= capacity);
      rate = nextRate(state, rate);
    }
    expect(held.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);
    expect(held.length).toBeLessThan(10);
    expect(state).toMatchObject({ highestSustainable: expect.any(Number), lowestUnsustainable: expect.any(Number) });
    const { highestSustainable, lowestUnsustainable } = state as { highestSustainable: number; lowestUnsustainable: number };
    expect(highestSustainable).toBeLessThanOrEqual(capacity);
    expect(lowestUnsustainable / highestSustainable).toBeLessThanOrEqual(1.15);
  });

  it('halves when even the first rate fails', () => {
    expect(nextRate(afterHold({}, 500, false), 500)).toBe(250);
  });
});
