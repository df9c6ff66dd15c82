import { drainRate, earlyDrainRate, judge, lowestCeiling, overheadCost, perSecond, ratio } from './statistics';

describe('rates and ratios', () => {
  it('turns a count over milliseconds into a rate per second', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(500, 0)).toBeUndefined();
  });

  it('divides a figure by its ceiling only when both are known', () => {
    expect(ratio(7000, 10_000)).toBeCloseTo(0.7);
    expect(ratio(undefined, 10_000)).toBeUndefined();
    expect(ratio(7000, undefined)).toBeUndefined();
    expect(ratio(7000, 0)).toBeUndefined();
  });

  it('takes the lowest known ceiling', () => {
    expect(lowestCeiling(9000, 38_000)).toBe(9000);
    expect(lowestCeiling(undefined, 38_000)).toBe(38_000);
    expect(lowestCeiling(undefined)).toBeUndefined();
  });

  it('expresses the cost of instrumentation as a share of the uninstrumented rate', () => {
    expect(overheadCost(950, 1000)).toBeCloseTo(0.05);
    expect(overheadCost(1010, 1000)).toBeCloseTo(-0.01);
    expect(overheadCost(950, undefined)).toBeUndefined();
  });
});

describe('drainRate', () => {
  it('counts from the first drop in depth to the empty queue, ignoring start-up', () => {
    const samples = [
      { atMs: 0, depth: 10_000 },
      { atMs: 900, depth: 10_000 },
      { atMs: 1000, depth: 9000 },
      { atMs: 2000, depth: 4000 },
      { atMs: 3000, depth: 0 },
      { atMs: 3100, depth: 0 },
    ];
    expect(drainRate(samples, 10_000)).toBe(4500);
  });

  it('has no rate when the queue never emptied or never started draining', () => {
    expect(drainRate([{ atMs: 0, depth: 100 }, { atMs: 100, depth: 50 }], 100)).toBeUndefined();
    expect(drainRate([{ atMs: 0, depth: 100 }, { atMs: 100, depth: 100 }], 100)).toBeUndefined();
  });
});

describe('judge', () => {
  it('passes a figure at or above an at-least target', () => {
    expect(judge(0.7, { atLeast: 0.7 })).toBe('pass');
    expect(judge(0.69, { atLeast: 0.7 })).toBe('fail');
  });

  it('passes a figure at or below an at-most target', () => {
    expect(judge(25, { atMost: 25 })).toBe('pass');
    expect(judge(25.1, { atMost: 25 })).toBe('fail');
  });

  it('cannot judge without a target or a figure', () => {
    expect(judge(1, undefined)).toBe('n/a');
    expect(judge(undefined, { atMost: 1 })).toBe('n/a');
  });
});

describe('earlyDrainRate', () => {
  const samples = [
    { atMs: 0, depth: 1000 },
    { atMs: 1000, depth: 1000 },
    { atMs: 2000, depth: 900 },
    { atMs: 3000, depth: 800 },
    { atMs: 4000, depth: 600 },
  ];

  it('measures from the first drop over the window only', () => {
    expect(earlyDrainRate(samples, 1000)).toBe(100);
    expect(earlyDrainRate(samples, 10_000)).toBe(150);
  });

  it('is undefined when the queue never shrank', () => {
    expect(earlyDrainRate(samples.slice(0, 2), 1000)).toBeUndefined();
    expect(earlyDrainRate([], 1000)).toBeUndefined();
  });
});
