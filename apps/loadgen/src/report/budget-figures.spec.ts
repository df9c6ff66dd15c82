import { ORDER_TYPES } from '@bss/contracts';
import { RunResult } from '../run/run-load';
import { budgetFigures } from './budget-figures';
import { judge } from './verdict';

const CAPACITY = Object.fromEntries(ORDER_TYPES.map((type) => [type, { ratePerSecond: 40, maxInFlight: 50 }])) as RunResult['capacity'];

/** An MNP backlog from second 0 to `backlogUntil`, the backend answering `answered[s]` with `capacity[s]`. */
function adaptiveRun(answered: number[], capacity: number[], backlogUntil: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    mode: 'queue',
    budget: 'adaptive',
    profile: 'test',
    startedAtMs: 0,
    sendEndedAtMs: 1000,
    drainedAtMs: answered.length * 1000,
    drained: true,
    capacity: CAPACITY,
    offered: [400],
    intake: [],
    queueDepth: answered.map((_, second) => ({ second, depth: { MNP: second <= backlogUntil ? 100 : 0 } })),
    backend: answered.map((count, second) => ({ second, type: 'MNP', requests: count, completed: count, errors: 0, inFlightPeak: 5, capacity: capacity[second] })),
    learnedLimit: [],
    replicaShares: [],
    orders: [],
    accounting: { accepted: 400, applied: 400, rejectedByBusiness: 0, appliedTwice: 0, deadLettered: 0, lost: 0, failedOutright: 0 },
    ...extra,
  };
}

describe('budgetFigures', () => {
  it('measures the capacity used over the seconds a backlog waited through', () => {
    const figures = budgetFigures(adaptiveRun([20, 36, 38, 37, 10, 0], [40, 40, 40, 40, 40, 40], 3));
    expect(figures.backlogSeconds).toBe(3);
    expect(figures.capacityUsedInBacklog).toBeCloseTo((20 + 36 + 38) / 120);
  });

  it('times the reaction to a capacity loss and the recovery after it, against the capacity of each second', () => {
    const answered = [36, 36, 36, 30, 18, 18, 18, 30, 37, 37];
    const capacity = [40, 40, 20, 20, 20, 20, 40, 40, 40, 40];
    const figures = budgetFigures(adaptiveRun(answered, capacity, 9, { capacityFault: { factor: 0.5, atSec: 2, forSec: 4 } }));
    expect(figures.underReducedCapacityAfterSec).toBe(2);
    expect(figures.backTo90PercentAfterSec).toBe(2);
  });

  it('compares each replica with an even share, a replica that applied nothing included', () => {
    const shares = [
      { type: 'MNP' as const, instance: 'a', applied: 110 },
      { type: 'MNP' as const, instance: 'b', applied: 90 },
    ];
    const fair = budgetFigures(adaptiveRun([1], [40], 0, { replicaShares: shares, processorReplicas: { MNP: 2 } })).fairness;
    expect(fair).toEqual([{ type: 'MNP', shares: [1.1, 0.9], maxDeviation: expect.closeTo(0.1) }]);
    const starved = budgetFigures(adaptiveRun([1], [40], 0, { replicaShares: shares, processorReplicas: { MNP: 3 } })).fairness;
    expect(starved[0].maxDeviation).toBeCloseTo(1);
  });
});

describe('the adaptive budget verdict', () => {
  it('holds it to capacity itself, ≥ 90 % use in a backlog, and the fault reaction', () => {
    const good = judge(adaptiveRun([38, 37, 38, 37, 0], [40, 40, 40, 40, 40], 3));
    expect(good.checks.filter((check) => !check.passed)).toEqual([]);
    const slow = judge(adaptiveRun([20, 25, 30, 30, 0], [40, 40, 40, 40, 40], 3));
    expect(slow.checks.find((check) => check.name.includes('used while a backlog'))).toMatchObject({ passed: false });
    const over = judge(adaptiveRun([41, 37, 0], [40, 40, 40], 1));
    expect(over.checks.find((check) => check.name.includes('busiest'))).toMatchObject({ passed: false, detail: '1.025' });
  });
});
