import { BrokerConnection, inspectQueues } from '@bss/messaging';
import { ProcessorMetrics } from './processor-metrics';

export const QUEUE_SAMPLE_INTERVAL_MS = 5_000;

/**
 * Samples the ready messages of the processor's own queue (a passive declare) into
 * bss_queue_length, right away and then every interval, until stopped.
 */
export class QueueLengthSampler {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly queue: string,
    private readonly metrics: ProcessorMetrics,
    private readonly intervalMs = QUEUE_SAMPLE_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    if (!this.connection.isConnected()) return;
    const [depth] = await inspectQueues(this.connection, [this.queue]);
    if (depth?.exists && this.timer) this.metrics.queueSampled(this.queue, depth.messages);
  }
}
