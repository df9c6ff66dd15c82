import { percentile, summarizeLatencies } from './latency-summary';

describe('latency summary', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('summarizes count, p50, p90, p99 and max', () => {
    expect(summarizeLatencies([5, 1, 3])).toEqual({ count: 3, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(summarizeLatencies([])).toEqual({ count: 0, p50: undefined, p90: undefined, p99: undefined, max: undefined });
  });

  it('summarizes a million values without spreading them into an argument list', () => {
    const latencies = Array.from({ length: 1_000_000 }, (_, i) => i % 1000);
    expect(summarizeLatencies(latencies)).toMatchObject({ count: 1_000_000, max: 999, p50: 499 });
  });
});
