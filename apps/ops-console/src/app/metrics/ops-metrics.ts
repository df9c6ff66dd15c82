import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { StoredCount } from '../store/dead-letter';

/**
 * The console's own metrics, in a registry of its own (tests run several apps in one process).
 * With monitoring off every recording is a no-op and there is nothing to serve.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  private readonly queueLength: Gauge<'queue'>;
  private readonly deadLettersStored: Gauge<'type' | 'reason' | 'state'>;
  private readonly replays: Counter<'type'>;

  constructor(readonly enabled: boolean) {
    this.queueLength = new Gauge({ name: 'bss_queue_length', help: 'Ready messages of each watched queue', labelNames: ['queue'], registers: [this.registry] });
    this.deadLettersStored = new Gauge({
      name: 'bss_dead_letters_stored',
      help: 'Dead letters in the store by type, reason and state',
      labelNames: ['type', 'reason', 'state'],
      registers: [this.registry],
    });
    this.replays = new Counter({ name: 'bss_dead_letter_replays_total', help: 'Dead letters replayed', labelNames: ['type'], registers: [this.registry] });
    if (enabled) collectDefaultMetrics({ register: this.registry });
  }

  recordQueueLengths(lengths: readonly { queue: string; ready: number }[]): void {
    if (!this.enabled) return;
    for (const { queue, ready } of lengths) this.queueLength.set({ queue }, ready);
  }

  recordStored(counts: readonly StoredCount[]): void {
    if (!this.enabled) return;
    this.deadLettersStored.reset();
    for (const { type, reason, state, count } of counts) this.deadLettersStored.set({ type, reason, state }, count);
  }

  recordReplays(type: string, count: number): void {
    if (this.enabled) this.replays.inc({ type }, count);
  }
}
