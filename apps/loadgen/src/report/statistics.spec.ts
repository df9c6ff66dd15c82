import { denseSeries, smoothingFactor, variance } from './statistics';

describe('report statistics', () => {
  it('computes the population variance', () => {
    expect(variance([2, 4, 4, 4, 5, 5, 7, 9])).toBe(4);
    expect(variance([5, 5, 5])).toBe(0);
    expect(variance([])).toBe(0);
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
});
