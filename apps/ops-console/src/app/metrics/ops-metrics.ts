import { CounterSeries, GaugeSeries, MetricFamily, Metrics } from '@bss/observability';
import { OrderType } from '@bss/contracts';
import { Backlog, gaugeValueOf } from '../overview/backlog';
import { StoredCount } from '../store/dead-letter';

/**
 * The console's own metrics, recorded through the app's `Metrics` (served by MetricsModule at
 * /metrics; with monitoring off every recording is a no-op).
 */
export class OpsMetrics {
  private readonly queueLength: MetricFamily<'queue', GaugeSeries>;
  private readonly deadLettersStored: MetricFamily<'type' | 'reason' | 'state', GaugeSeries>;
  private readonly replays: MetricFamily<'type', CounterSeries>;
  private readonly oldestAge: MetricFamily<'type', GaugeSeries>;
  private readonly drainTime: MetricFamily<'type', GaugeSeries>;
  private storedLabels = new Map<string, GaugeSeries>();

  constructor(metrics: Metrics) {
    this.queueLength = metrics.gauge({ name: 'bss_queue_length', help: 'Ready messages of each watched queue', labelNames: ['queue'] });
    this.deadLettersStored = metrics.gauge({
      name: 'bss_dead_letters_stored',
      help: 'Dead letters in the store by type, reason and state',
      labelNames: ['type', 'reason', 'state'],
    });
    this.replays = metrics.counter({ name: 'bss_dead_letter_replays_total', help: 'Dead letters replayed', labelNames: ['type'] });
    this.oldestAge = metrics.gauge({
      name: 'bss_backlog_oldest_age_seconds',
      help: 'Age of the oldest order the tracker sees waiting, by type (0 when none waits, NaN when the tracking store is unavailable)',
      labelNames: ['type'],
    });
    this.drainTime = metrics.gauge({
      name: 'bss_backlog_drain_seconds',
      help: 'Queue depth over the current drain rate, by type (+Inf when it does not drain, NaN before a drain rate is measured)',
      labelNames: ['type'],
    });
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

  recordBacklogs(backlogs: readonly { type: OrderType; backlog: Backlog }[]): void {
    for (const { type, backlog } of backlogs) {
      this.oldestAge.with({ type }).set(gaugeValueOf(backlog.oldestAge));
      this.drainTime.with({ type }).set(gaugeValueOf(backlog.drainTime));
    }
  }

  recordReplays(type: string, count: number): void {
    this.replays.with({ type }).inc(count);
  }
}
