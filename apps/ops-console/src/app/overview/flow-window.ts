/** What one sample knows about an order queue: deliveries removed from it so far, and its ready depth. */
export interface FlowSample {
  readonly at: number;
  /** Running total of deliveries that left the queue (see ReplicaCounterTotals). */
  readonly removed: number;
  /** Ready messages, read live; undefined when the queue could not be read. */
  readonly ready: number | undefined;
}

export interface FlowRates {
  readonly drain: number;
  readonly arrival: number | null;
}

/**
 * Drain and arrival rates of one queue over a short sliding window. Drain is the rate of removals;
 * arrival is what must have come in for the depth to change as it did: drain + Δready / Δt. The
 * window starts at the newest sample at least `windowMs` old, so it spans `windowMs` to
 * `windowMs` + one sampling interval. Keeps only the samples that window needs.
 */
export class FlowWindow {
  private samples: FlowSample[] = [];

  constructor(private readonly windowMs: number) {}

  /** Adds the newest sample and answers the rates ending at it; null until the window has two samples. */
  add(sample: FlowSample): FlowRates | null {
    const previous = this.samples[this.samples.length - 1];
    if (previous && sample.at <= previous.at) return null;
    this.samples.push(sample);
    while (this.samples.length > 2 && this.samples[1].at <= sample.at - this.windowMs) this.samples.shift();
    const first = this.samples[0];
    if (first === sample) return null;
    const seconds = (sample.at - first.at) / 1000;
    const drain = Math.max(0, sample.removed - first.removed) / seconds;
    return { drain, arrival: this.arrivalUpTo(sample) };
  }

  /**
   * Removals plus the change of the ready depth, from the oldest sample whose depth is known (a
   * sample taken while the broker connection was down has none; the window only shrinks for it).
   * Messages taken by a consumer but not yet settled are in neither figure, so a consumer filling
   * its prefetch can make the sum dip below zero for a moment: no arrival rate is negative.
   */
  private arrivalUpTo(sample: FlowSample): number | null {
    const from = this.samples.find((candidate) => candidate.ready !== undefined);
    if (!from || from === sample || sample.ready === undefined || from.ready === undefined) return null;
    const arrived = sample.removed - from.removed + (sample.ready - from.ready);
    return Math.max(0, arrived) / ((sample.at - from.at) / 1000);
  }

  /** Forgets every sample, for when the removals stop being known (no processor answers for the type). */
  clear(): void {
    this.samples = [];
  }
}
