import { CounterSeries, HistogramSeries, MetricFamily, Metrics } from '@bss/observability';

export type CallbackResult = 'delivered' | 'failed' | 'undeliverable';

/** The tracker's own metrics: how far behind the pipeline it is, and how callbacks fare. */
export class TrackerMetrics {
  private readonly events: MetricFamily<'result', CounterSeries>;
  private readonly changes: MetricFamily<'state', CounterSeries>;
  private readonly writeSeconds: MetricFamily<never, HistogramSeries>;
  private readonly lagSeconds: MetricFamily<never, HistogramSeries>;
  private readonly callbacks: MetricFamily<'result', CounterSeries>;
  private readonly callbackSeconds: MetricFamily<never, HistogramSeries>;

  constructor(metrics: Metrics) {
    this.events = metrics.counter({ name: 'bss_tracker_events_total', help: 'Lifecycle events taken from the queue: stored, or malformed and dropped', labelNames: ['result'] });
    this.changes = metrics.counter({ name: 'bss_tracker_state_changes_total', help: 'Transitions that moved an order forward, by the state entered', labelNames: ['state'] });
    this.writeSeconds = metrics.histogram({
      name: 'bss_tracker_write_seconds',
      help: 'Time to write one batch of events to PostgreSQL',
      labelNames: [],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.lagSeconds = metrics.histogram({
      name: 'bss_tracker_lag_seconds',
      help: 'Time from a transition to its being stored (what a lookup is behind by)',
      labelNames: [],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    this.callbacks = metrics.counter({ name: 'bss_callback_deliveries_total', help: 'Callback delivery attempts by result', labelNames: ['result'] });
    this.callbackSeconds = metrics.histogram({
      name: 'bss_callback_delivery_seconds',
      help: 'Time a callback receiver took to answer',
      labelNames: [],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  stored(events: readonly { at: string }[], writeSeconds: number, changedStates: readonly string[]): void {
    this.events.with({ result: 'stored' }).inc(events.length);
    this.writeSeconds.with({}).observe(writeSeconds);
    const now = Date.now();
    for (const event of events) this.lagSeconds.with({}).observe(Math.max(0, now - Date.parse(event.at)) / 1000);
    for (const state of changedStates) this.changes.with({ state }).inc();
  }

  malformed(): void {
    this.events.with({ result: 'malformed' }).inc();
  }

  callbackAttempted(result: CallbackResult, seconds: number): void {
    this.callbacks.with({ result }).inc();
    this.callbackSeconds.with({}).observe(seconds);
  }
}
