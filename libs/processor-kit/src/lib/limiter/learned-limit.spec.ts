import { CallWindow, initialLearnedLimit, LearnedLimitState, LearningLaw, learnLimit } from './learned-limit';

const LAW: LearningLaw = {
  initialRate: 10,
  minRate: 1,
  maxRate: Number.POSITIVE_INFINITY,
  latencyTolerance: 4,
  latencySlackMs: 25,
  gainPerSecond: 0.25,
  overloadCut: 0.5,
  cutIntervalMs: 1000,
  baselinePeriodMs: 150_000,
};

/** Reports the same window every `everyMs` for `forMs`, as one replica would. */
function reportRepeatedly(state: LearnedLimitState | undefined, window: CallWindow, fromMs: number, forMs: number, everyMs = 500, law = LAW): LearnedLimitState {
  let current = state;
  for (let at = fromMs; at <= fromMs + forMs; at += everyMs) current = learnLimit(current, window, at, law);
  return current as LearnedLimitState;
}

describe('learnLimit', () => {
  it('starts from the initial rate, never above the configured cap', () => {
    expect(initialLearnedLimit(0, LAW).limit).toBe(10);
    expect(initialLearnedLimit(0, { ...LAW, maxRate: 4 }).limit).toBe(4);
  });

  it('rises while demand presses the limit and latency stays near its baseline, fast while far below the knee', () => {
    const learned = reportRepeatedly(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: true }, 0, 5000);
    expect(learned.baselineMs).toBe(20);
    expect(learned.limit).toBeGreaterThan(10 * 2);
  });

  it('does not rise while nobody waits for it: an idle limit is no evidence the backend bears more', () => {
    expect(reportRepeatedly(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: false }, 0, 10_000).limit).toBe(10);
  });

  it('settles where latency is the tolerance times the baseline, and falls faster the further beyond it latency is', () => {
    const seeded = learnLimit(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: true }, 0, { ...LAW, initialRate: 100 });
    const atTolerance = reportRepeatedly(seeded, { latencyMs: 80, overloads: 0, calls: 10, pressed: true }, 500, 2000);
    expect(atTolerance.limit).toBeCloseTo(seeded.limit, 5);
    const littleBeyond = reportRepeatedly(seeded, { latencyMs: 90, overloads: 0, calls: 10, pressed: true }, 500, 2000).limit;
    const farBeyond = reportRepeatedly(seeded, { latencyMs: 300, overloads: 0, calls: 10, pressed: true }, 500, 2000).limit;
    expect(littleBeyond).toBeLessThan(seeded.limit);
    expect(farBeyond).toBeLessThan(littleBeyond);
    expect(farBeyond).toBeGreaterThanOrEqual(seeded.limit / 2 ** 2.5);
  });

  it('takes a few milliseconds over a tiny baseline for jitter, not saturation', () => {
    const seeded = learnLimit(undefined, { latencyMs: 2, overloads: 0, calls: 10, pressed: true }, 0, LAW);
    expect(reportRepeatedly(seeded, { latencyMs: 9, overloads: 0, calls: 10, pressed: true }, 500, 2000).limit).toBeGreaterThan(seeded.limit);
    expect(reportRepeatedly(seeded, { latencyMs: 40, overloads: 0, calls: 10, pressed: true }, 500, 2000).limit).toBeLessThan(seeded.limit);
  });

  it('cuts on an overload signal by the share of calls that met it, at most once per interval, never below the floor', () => {
    const seeded = learnLimit(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: false }, 0, { ...LAW, initialRate: 100 });
    const collapsed = learnLimit(seeded, { overloads: 3, calls: 3, pressed: true }, 100, LAW);
    expect(collapsed.limit).toBeCloseTo(50);
    expect(learnLimit(collapsed, { overloads: 5, calls: 5, pressed: true }, 600, LAW).limit).toBeCloseTo(50);
    expect(learnLimit(collapsed, { latencyMs: 20, overloads: 1, calls: 10, pressed: true }, 1100, LAW).limit).toBeCloseTo(45);
    expect(reportRepeatedly(collapsed, { overloads: 1, calls: 1, pressed: true }, 1100, 60_000).limit).toBe(1);
  });

  it('answers an overload with the cut alone, not also with the latencies of the same window', () => {
    const seeded = learnLimit(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: false }, 0, { ...LAW, initialRate: 100 });
    const cut = learnLimit(seeded, { latencyMs: 2000, overloads: 1, calls: 4, pressed: true }, 1000, LAW);
    expect(cut.limit).toBeCloseTo(75);
  });

  it('learns as fast with four replicas reporting as with one: each report counts for the time since the last', () => {
    const window = { latencyMs: 20, overloads: 0, calls: 10, pressed: true };
    const alone = reportRepeatedly(undefined, window, 0, 2000, 500);
    const fourReplicas = reportRepeatedly(undefined, window, 0, 2000, 125);
    expect(fourReplicas.limit).toBeCloseTo(alone.limit, 0);
  });

  it('a report that arrives late, stamped before the last, moves nothing backwards in time', () => {
    const state = learnLimit(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: true }, 1000, LAW);
    const late = learnLimit(state, { latencyMs: 20, overloads: 0, calls: 10, pressed: true }, 900, LAW);
    expect(late.limit).toBe(state.limit);
    expect(late.updatedAtMs).toBe(1000);
  });

  it('remembers the lowest latency for one to two baseline periods, then follows a backend that became slower', () => {
    let state = learnLimit(undefined, { latencyMs: 20, overloads: 0, calls: 10, pressed: false }, 0, LAW);
    state = reportRepeatedly(state, { latencyMs: 50, overloads: 0, calls: 10, pressed: false }, 1000, LAW.baselinePeriodMs, 10_000);
    expect(state.baselineMs).toBe(20);
    state = reportRepeatedly(state, { latencyMs: 50, overloads: 0, calls: 10, pressed: false }, LAW.baselinePeriodMs + 20_000, LAW.baselinePeriodMs, 10_000);
    expect(state.baselineMs).toBe(50);
  });
});

/**
 * The loop closed over a backend that behaves as the simulator's does: latency service × (1 + 4u⁴)
 * up to its capacity, 503s beyond. It shows the law's steady state and reactions without wall time.
 */
describe('learnLimit against a backend that slows down near its capacity', () => {
  const SERVICE_MS = 20;
  const latencyAt = (rate: number, capacity: number) => SERVICE_MS * (1 + 4 * Math.min(1, rate / capacity) ** 4);

  function drive(capacityAt: (second: number) => number, seconds: number): number[] {
    let state: LearnedLimitState | undefined;
    const usedPerSecond: number[] = [];
    for (let tick = 0; tick < seconds * 2; tick += 1) {
      const capacity = capacityAt(tick / 2);
      const rate = state?.limit ?? LAW.initialRate;
      if (tick % 2 === 0) usedPerSecond.push(rate / capacity);
      const overloads = rate > capacity ? Math.round((rate - capacity) * 0.5) : 0;
      state = learnLimit(state, { latencyMs: latencyAt(rate, capacity), overloads, calls: Math.round(rate / 2), pressed: true }, tick * 500, LAW);
    }
    return usedPerSecond;
  }

  it('climbs from its initial rate to 20 times it within 20 s, then holds a backlog between 90 % and 100 % of a capacity it was never told', () => {
    const used = drive(() => 200, 60);
    expect(Math.max(...used)).toBeLessThanOrEqual(1);
    expect(Math.min(...used.slice(20))).toBeGreaterThanOrEqual(0.9);
  });

  it('goes under a halved capacity within 3 s, and uses 90 % of it again within 15 s of its return', () => {
    const used = drive((second) => (second >= 30 && second < 60 ? 100 : 200), 90);
    expect(Math.max(...used.slice(33, 60))).toBeLessThanOrEqual(1);
    expect(Math.min(...used.slice(75, 90))).toBeGreaterThanOrEqual(0.9);
  });
});
