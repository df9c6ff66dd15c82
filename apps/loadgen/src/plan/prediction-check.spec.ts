import { spike } from '../profiles/profiles';
import { RunResult } from '../run/run-load';
import { checkPrediction, launchedRunPlan, measuredDepth } from './prediction-check';

/** A run as the load generator records it, with only what the check reads. */
function runWithDepth(depths: Record<number, number>): RunResult {
  return {
    capacity: { MNP: { ratePerSecond: 40, maxInFlight: 25 } },
    queueDepth: Object.entries(depths).map(([second, depth]) => ({ second: Number(second), depth: { MNP: depth } })),
  } as unknown as RunResult;
}

/** Depth rising to `peak` at `peakAt`, falling to empty at `emptyAt`, sampled every second. */
function triangle(peak: number, peakAt: number, emptyAt: number): Record<number, number> {
  return Object.fromEntries(
    Array.from({ length: emptyAt + 1 }, (_, second) => [second, Math.round(second <= peakAt ? (peak * second) / peakAt : (peak * (emptyAt - second)) / (emptyAt - peakAt))]),
  );
}

describe('checkPrediction', () => {
  const profile = spike({ base: 20, multiplier: 10, atSec: 5, lengthSec: 10, durationSec: 30 });

  it("plans the launched run from its settings: capacity, 90 % budget, the launched concurrency and replicas", () => {
    const [plan] = launchedRunPlan(runWithDepth({}), [{ type: 'MNP', weight: 1 }], { 'mnp-processor': 2 });
    expect(plan).toMatchObject({ type: 'MNP', share: 1, backendCapacityPerSec: 40, budgetPerSec: 36, concurrency: 25, replicas: 2 });
  });

  it('compares the peak depth and the drain time from it, and passes within 15 %', () => {
    // The planner: (200 − 36) × 10 = 1,640 at second 14, then 16/s net until the profile ends at 30 s
    // and 36/s after it: empty 54 s after the peak.
    const plan = launchedRunPlan(runWithDepth({}), [{ type: 'MNP', weight: 1 }], {});
    const close = checkPrediction(runWithDepth(triangle(1600, 14, 70)), profile, plan);
    expect(close.predicted.peakDepth).toBeCloseTo(1640);
    expect(close.predicted.drainSec).toBe(54);
    expect(close.measured).toEqual({ peakDepth: 1600, drainSec: 56 });
    expect(close.withinTolerance).toBe(true);
    const far = checkPrediction(runWithDepth(triangle(1000, 14, 40)), profile, plan);
    expect(far.withinTolerance).toBe(false);
    expect(far.peakDepthError).toBeCloseTo(1000 / 1640 - 1);
  });

  it('keeps the depth of the second before when a sample is missing', () => {
    expect(measuredDepth(runWithDepth({ 0: 3, 2: 5, 3: 0 }))).toEqual([3, 3, 5, 0]);
  });
});
