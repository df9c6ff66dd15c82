/** Population variance: the mean squared distance from the mean (not a ratio of rates). */
export function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
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
