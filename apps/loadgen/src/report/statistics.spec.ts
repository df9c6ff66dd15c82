import { denseSeries, percentile, smoothingFactor, summarizeLatencies, variance } from './statistics';

describe('report statistics', () => {
  it('computes the population variance', () => {
    expect(variance([2, 4, 4, 4, 5, 5, 7, 9])).toBe(4);
    expect(variance([5, 5, 5])).toBe(0);
    expect(variance([])).toBe(0);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('divides offered variance by backend variance over the same seconds', () => {
    const offered = [10, 10, 100, 100, 10, 10];
    const backend = [10, 10, 50, 50, 50, 50];
    expect(smoothingFactor(offered, backend)).toBeCloseTo(variance(offered) / variance(backend));
    expect(smoothingFactor(offered, [40, 40, 40])).toBe(Number.POSITIVE_INFINITY);
    expect(smoothingFactor([1, 2, 3], [1, 2, 3])).toBe(1);
  });

  it('fills the seconds where nothing happened with zero', () => {
    expect(denseSeries(new Map([[101, 5], [103, 7]]), 100, 104)).toEqual([0, 5, 0, 7, 0]);
  });

  it('summarizes latencies', () => {
    expect(summarizeLatencies([5, 1, 3])).toEqual({ count: 3, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(summarizeLatencies([])).toEqual({ count: 0, p50: undefined, p90: undefined, p99: undefined, max: undefined });
  });

  it('summarizes the latencies of a million orders (a backlog run) without exceeding the call stack', () => {
    const latencies = Array.from({ length: 1_000_000 }, (_, index) => (index * 7919) % 1_000_003);
    const summary = summarizeLatencies(latencies);
    expect(summary.count).toBe(1_000_000);
    expect(summary.max).toBe(latencies.reduce((max, value) => Math.max(max, value), 0));
    expect(summary.p50).toBeLessThanOrEqual(summary.p99 as number);
  });
});
