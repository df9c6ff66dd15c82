/**
 * One running total per key (an order type) out of counters read from several replicas, which only
 * ever goes up. Each replica is followed on its own: a counter that went down means the replica
 * restarted, so its new value is the increase; a replica seen for the first time (or again after
 * more than `forgetAfterMs` without a reading) only sets its baseline, because what it counted
 * before cannot be placed in time. A replica missing for a sample or two is not forgotten: its
 * increase over the gap counts when it answers again, instead of being lost.
 */
export class ReplicaCounterTotals {
  private readonly lastReadings = new Map<string, { at: number; values: ReadonlyMap<string, number> }>();
  private readonly totals = new Map<string, number>();

  constructor(private readonly forgetAfterMs: number) {}

  /** Takes this sample's readings (replica → key → counter value) and answers the totals so far. */
  update(readings: ReadonlyMap<string, ReadonlyMap<string, number>>, at: number): ReadonlyMap<string, number> {
    for (const [replica, values] of readings) {
      const before = this.lastReadings.get(replica);
      const continues = before !== undefined && at > before.at && at - before.at <= this.forgetAfterMs;
      for (const [key, value] of values) {
        // A labelled series appears on its first increment, so a key new to a known replica started at 0.
        const earlier = continues ? (before.values.get(key) ?? 0) : value;
        const increase = value >= earlier ? value - earlier : value;
        this.totals.set(key, (this.totals.get(key) ?? 0) + increase);
      }
      this.lastReadings.set(replica, { at, values: new Map(values) });
    }
    for (const [replica, last] of this.lastReadings) if (at - last.at > this.forgetAfterMs) this.lastReadings.delete(replica);
    return this.totals;
  }
}
