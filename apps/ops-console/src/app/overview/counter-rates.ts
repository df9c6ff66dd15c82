/**
 * Per-second rates of counters summed over replicas. Each replica's counter is followed on its own,
 * so a replica that restarts (its counter drops) or appears does not show up as a negative or
 * enormous rate: after a drop its new value counts as the increase.
 */
export class CounterRates {
  private previous = new Map<string, { at: number; values: Map<string, number> }>();

  update(readings: ReadonlyMap<string, ReadonlyMap<string, number>>, at: number): Map<string, number> {
    const rates = new Map<string, number>();
    const next = new Map<string, { at: number; values: Map<string, number> }>();
    for (const [replica, values] of readings) {
      const before = this.previous.get(replica);
      next.set(replica, { at, values: new Map(values) });
      if (!before || at <= before.at) continue;
      const seconds = (at - before.at) / 1000;
      for (const [key, value] of values) {
        const earlier = before.values.get(key) ?? 0;
        const increase = value >= earlier ? value - earlier : value;
        rates.set(key, (rates.get(key) ?? 0) + increase / seconds);
      }
    }
    this.previous = next;
    return rates;
  }
}

/**
 * Rate of a cumulative count over the last `windowMs` of samples. The management API refreshes
 * its counts every few seconds (5 s by default on 3.10), so a rate between consecutive 1 s samples
 * would jump between 0 and five times the truth; a window several refreshes wide smooths that.
 */
export function windowRate(points: readonly { at: number; value: number | undefined }[], windowMs: number): number | null {
  const known = points.filter((point): point is { at: number; value: number } => point.value !== undefined);
  const last = known[known.length - 1];
  if (!last) return null;
  const first = known.find((point) => point.at >= last.at - windowMs);
  if (!first || first === last || last.at === first.at) return null;
  return Math.max(0, last.value - first.value) / ((last.at - first.at) / 1000);
}
