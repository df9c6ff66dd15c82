import { CounterSeries, GaugeSeries, MetricFamily, Metrics } from '@bss/observability';
import { StoredCount } from '../store/dead-letter';

/**
 * The console's own metrics, recorded through the app's `Metrics` (served by MetricsModule at
 * /metrics; with monitoring off every recording is a no-op).
 */
export class OpsMetrics {
  private readonly queueLength: MetricFamily<'queue', GaugeSeries>;
  private readonly deadLettersStored: MetricFamily<'type' | 'reason' | 'state', GaugeSeries>;
  private readonly replays: MetricFamily<'type', CounterSeries>;
  private storedLabels = new Map<string, GaugeSeries>();

  constructor(metrics: Metrics) {
    this.queueLength = metrics.gauge({ name: 'bss_queue_length', help: 'Ready messages of each watched queue', labelNames: ['queue'] });
    this.deadLettersStored = metrics.gauge({
      name: 'bss_dead_letters_stored',
      help: 'Dead letters in the store by type, reason and state',
      labelNames: ['type', 'reason', 'state'],
    });
    this.replays = metrics.counter({ name: 'bss_dead_letter_replays_total', help: 'Dead letters replayed', labelNames: ['type'] });
  }

  recordQueueLengths(lengths: readonly { queue: string; ready: number }[]): void {
    for (const { queue, ready } of lengths) this.queueLength.with({ queue }).set(ready);
  }

  /** A combination the store no longer has (every `dead` one replayed) drops to 0 rather than keeping its last count. */
  recordStored(counts: readonly StoredCount[]): void {
    const current = new Map<string, GaugeSeries>();
    for (const { type, reason, state, count } of counts) {
      const series = this.deadLettersStored.with({ type, reason, state });
      series.set(count);
      current.set(`${type}|${reason}|${state}`, series);
    }
    for (const [key, series] of this.storedLabels) if (!current.has(key)) series.set(0);
    this.storedLabels = new Map([...this.storedLabels, ...current]);
  }

  recordReplays(type: string, count: number): void {
    this.replays.with({ type }).inc(count);
  }
}
