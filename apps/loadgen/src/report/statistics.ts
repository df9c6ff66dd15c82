/** Population variance: the mean squared distance from the mean (not a ratio of rates). */
export function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  return percentileOfSorted([...values].sort((a, b) => a - b), p);
}

function percentileOfSorted(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/**
 * How much the queue smoothed the load: variance of the offered per-second rate over variance of
 * the backend's per-second rate, both over the same seconds. Infinite when the backend was flat.
 */
export function smoothingFactor(offeredPerSecond: readonly number[], backendPerSecond: readonly number[]): number {
  const backendVariance = variance(backendPerSecond);
  return backendVariance === 0 ? Number.POSITIVE_INFINITY : variance(offeredPerSecond) / backendVariance;
}

/** Values per second over [from, to] inclusive, zero where nothing happened. */
export function denseSeries(points: ReadonlyMap<number, number>, from: number, to: number): number[] {
  const series: number[] = [];
  for (let second = from; second <= to; second += 1) series.push(points.get(second) ?? 0);
  return series;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50?: number;
  readonly p90?: number;
  readonly p99?: number;
  readonly max?: number;
}

/** Sorted once; no spread into Math.max, which throws past about a hundred thousand values (a backlog run has a million). */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: values.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.at(-1),
  };
}
