import { roundOrder } from './alternating-rounds';
import { summarizeRuns } from './http-load';

describe('summarizeRuns', () => {
  it('adds counts and time of the runs and takes percentiles over every answer', () => {
    const summary = summarizeRuns([
      { succeeded: 90, errors: 1, statusCodes: { '202': 90, '503': 1 }, elapsedMs: 1000, latenciesMs: [1, 2, 3] },
      { succeeded: 110, errors: 0, statusCodes: { '202': 110 }, elapsedMs: 1000, latenciesMs: [4, 100] },
    ]);
    expect(summary).toEqual({
      succeeded: 200,
      errors: 1,
      statusCodes: { '202': 200, '503': 1 },
      elapsedMs: 2000,
      succeededPerSec: 100,
      latencyMs: { count: 5, p50: 3, p90: 100, p99: 100, max: 100 },
    });
  });
});

describe('roundOrder', () => {
  it('starts each round one target further along', () => {
    expect(roundOrder(['a', 'b'], 0)).toEqual(['a', 'b']);
    expect(roundOrder(['a', 'b'], 1)).toEqual(['b', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  });
});
