/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  return percentileOfSorted([...values].sort((a, b) => a - b), p);
}

function percentileOfSorted(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
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
