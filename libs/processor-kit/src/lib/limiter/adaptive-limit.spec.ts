import { AdaptiveLimit } from './adaptive-limit';
import { LearningLaw } from './learned-limit';
import { LocalLearnedLimitStore } from './learned-limit-store';

const LAW: LearningLaw = {
  initialRate: 10,
  minRate: 1,
  maxRate: 1000,
  latencyTolerance: 4,
  latencySlackMs: 25,
  gainPerSecond: 0.25,
  overloadCut: 0.7,
  cutIntervalMs: 1000,
  baselinePeriodMs: 150_000,
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AdaptiveLimit', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 0;
  });

  it('starts at the initial rate and reports it', () => {
    const learned: number[] = [];
    const limit = new AdaptiveLimit(new LocalLearnedLimitStore(clock), { law: LAW, windowMs: 500, onLearned: (rate) => learned.push(rate), now: clock });
    expect(limit.sharedRate()).toBe(10);
    expect(limit.replicaRate()).toBeUndefined();
    expect(learned).toEqual([10]);
  });

  it('folds each window into the shared limit: pressed and fast, it rises; an overload cuts it', async () => {
    const store = new LocalLearnedLimitStore(clock);
    const limit = new AdaptiveLimit(store, { law: LAW, windowMs: 500, now: clock });
    for (let window = 1; window <= 8; window += 1) {
      limit.throttled();
      limit.answered(20);
      now = window * 500;
      limit.sharedRate();
      await settle();
    }
    const risen = limit.sharedRate();
    expect(risen).toBeGreaterThan(15);
    limit.overloaded();
    now += 500;
    limit.sharedRate();
    await settle();
    expect(limit.sharedRate()).toBeCloseTo(risen * 0.7, 0);
  });

  it('replicas sharing one store learn one limit', async () => {
    const store = new LocalLearnedLimitStore(clock);
    const [a, b] = [new AdaptiveLimit(store, { law: LAW, windowMs: 500, now: clock }), new AdaptiveLimit(store, { law: LAW, windowMs: 500, now: clock })];
    for (let window = 1; window <= 6; window += 1) {
      for (const replica of [a, b]) {
        replica.throttled();
        replica.answered(20);
      }
      now = window * 500;
      a.sharedRate();
      b.sharedRate();
      await settle();
    }
    expect(a.sharedRate()).toBeGreaterThan(10);
    expect(b.sharedRate()).toBeCloseTo(a.sharedRate(), 6);
  });

  it('keeps the last learned limit when the store cannot be reached, and says so', async () => {
    const errors: string[] = [];
    const failing = { update: async () => Promise.reject(new Error('redis down')) };
    const limit = new AdaptiveLimit(failing, { law: LAW, windowMs: 500, onStoreError: (error) => errors.push(error.message), now: clock });
    limit.answered(20);
    now = 600;
    limit.sharedRate();
    await settle();
    expect(limit.sharedRate()).toBe(10);
    expect(errors).toEqual(['redis down']);
  });

  it('reports nothing for a window without answers or overloads', async () => {
    const update = jest.fn();
    const limit = new AdaptiveLimit({ update }, { law: LAW, windowMs: 500, now: clock });
    limit.throttled();
    now = 600;
    limit.sharedRate();
    await settle();
    expect(update).not.toHaveBeenCalled();
  });
});
