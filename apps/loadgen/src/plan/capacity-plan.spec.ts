import { spike, steady } from '../profiles/profiles';
import { DEPLOYED_AUTOSCALER } from './autoscaler';
import { drainRatePerSec, peakAndDrain, planCapacity, TypePlan } from './capacity-plan';

const oneType: TypePlan = { type: 'MNP', share: 1, backendCapacityPerSec: 25, budgetPerSec: 22, concurrency: 25, serviceMs: 50, queueBound: 100_000, replicas: 1 };

describe('planCapacity', () => {
  it('keeps the queue empty while the offered rate is within the drain rate', () => {
    const [type] = planCapacity(steady(20, 60), [oneType]).types;
    expect(type.peakDepth).toBe(0);
    expect(type.refused).toBe(0);
    expect(type.longestWaitSec).toBe(0);
  });

  it('builds the backlog of a spike at offered − budget per second and drains it at budget − base', () => {
    const plan = planCapacity(spike({ base: 10, multiplier: 10, atSec: 5, lengthSec: 10, durationSec: 120 }), [oneType]);
    const [type] = plan.types;
    // 100/s offered against 22/s drained for 10 s; then 12/s net: 780 / 12 = 65 s.
    expect(type.peakDepth).toBeCloseTo(780);
    expect(type.peakAtSec).toBe(14);
    expect(type.drainSec).toBe(65);
    expect(type.queueBoundNeeded).toBe(780);
    expect(plan.total.peakDepth).toBeCloseTo(780);
    expect(plan.total.drainSec).toBe(65);
  });

  it('tells the age of the oldest waiting order, first in first out', () => {
    const [type] = planCapacity(spike({ base: 10, multiplier: 10, atSec: 5, lengthSec: 10, durationSec: 120 }), [oneType]).types;
    // By the end of second 14, 220 orders were drained: those of seconds 5 and 6 and 20 of second 7.
    expect(type.seconds[14].oldestWaitSec).toBe(7);
    expect(type.longestWaitSec).toBeGreaterThan(30);
  });

  it('answers 503 from the second the queue reaches its bound, and counts what it refused', () => {
    const [type] = planCapacity(steady(122, 30), [{ ...oneType, queueBound: 500 }]).types;
    // 100/s net: 400 wait after four seconds, so the fifth (second 4) fills the queue.
    expect(type.first503AtSec).toBe(4);
    expect(type.peakDepth).toBeLessThanOrEqual(500);
    // Unbounded, 100/s more for the 30 s.
    expect(type.queueBoundNeeded).toBe(3000);
    // Offered − drained − what waits at the end (the bound less the last second's drain).
    expect(type.refused).toBeCloseTo(122 * 30 - 22 * 30 - 478, 6);
  });

  it('splits the offered rate by share across types', () => {
    const plan = planCapacity(steady(100, 10), [
      { ...oneType, type: 'MNP', share: 0.5 },
      { ...oneType, type: 'CHANGE', share: 0.5 },
    ]);
    expect(plan.types.map((type) => Math.round(type.peakDepth))).toEqual([280, 280]);
    expect(plan.total.peakDepth).toBeCloseTo(560);
  });

  it('runs the replicas the autoscaler starts, and drains faster with them', () => {
    const scaled: TypePlan = {
      ...oneType,
      budgetPerSec: 0,
      backendCapacityPerSec: 1000,
      concurrency: 1,
      serviceMs: 100,
      autoscaler: { ...DEPLOYED_AUTOSCALER, maxReplicas: 5, queueLengthTarget: 100, activationQueueLength: 10 },
    };
    const fixed = planCapacity(steady(30, 120), [{ ...scaled, autoscaler: undefined }]).types[0];
    const autoscaled = planCapacity(steady(30, 120), [scaled]).types[0];
    expect(fixed.maxReplicas).toBe(1);
    expect(autoscaled.maxReplicas).toBe(5);
    expect(autoscaled.peakDepth).toBeLessThan(fixed.peakDepth);
  });
});

describe('drainRatePerSec', () => {
  it('is the least of the budget, the backend and what the replicas can do', () => {
    expect(drainRatePerSec(oneType, 1)).toBe(22);
    expect(drainRatePerSec({ ...oneType, budgetPerSec: 0 }, 1)).toBe(25);
    expect(drainRatePerSec({ ...oneType, concurrency: 1, serviceMs: 100 }, 2)).toBe(20);
  });
});

describe('peakAndDrain', () => {
  it('measures from the peak to the first empty second after it', () => {
    expect(peakAndDrain([0, 5, 10, 4, 0, 3])).toEqual({ peakDepth: 10, peakAtSec: 2, drainSec: 2 });
    expect(peakAndDrain([0, 0])).toEqual({ peakDepth: 0, peakAtSec: 1, drainSec: 0 });
    expect(peakAndDrain([0, 10, 10, 10, 0])).toEqual({ peakDepth: 10, peakAtSec: 3, drainSec: 1 });
    expect(peakAndDrain([1, 2, 3])).toEqual({ peakDepth: 3, peakAtSec: 2, drainSec: undefined });
  });
});
