import { encodeLifecycleEvents, OrderLifecycleEvent } from '@bss/contracts';
import { randomUUID } from 'node:crypto';
import { BrokerConnection } from './broker-connection';
import { BrokerLogger, silentBrokerLogger } from './broker-logger';
import { ConfirmedChannel } from './confirmed-channel';
import { PublishRefusedError } from './errors';
import { TopologyOptions } from './topology';
import { TopologyKeeper } from './topology-keeper';

/** Where lifecycle events go: an OrderEventPublisher, or nowhere when tracking is off. */
export interface LifecycleRecorder {
  /** Resolves once the broker stored the events; rejects with why not. */
  record(events: readonly OrderLifecycleEvent[]): Promise<void>;
  /** Publishes without anyone waiting: the next transition supersedes an event that got lost. */
  recordInBackground(events: readonly OrderLifecycleEvent[]): void;
}

export const NO_LIFECYCLE_RECORDER: LifecycleRecorder = {
  record: async () => undefined,
  recordInBackground: () => undefined,
};

export interface OrderEventPublisherOptions {
  readonly topology: TopologyOptions;
  /** Who publishes (intake, processor.mnp, ops-console): the routing key of its batches. */
  readonly role: string;
  readonly confirmTimeoutMs: number;
  /**
   * How long a batch may wait for the channel to be able to send (connected, not blocked) before its
   * events fail: 0 for callers that answer someone waiting, longer for those holding a delivery.
   */
  readonly sendableWithinMs: number;
  /** Most events in one published batch. */
  readonly maxBatch?: number;
  /** Most events waiting for a batch; past it new events fail at once instead of piling up in memory. */
  readonly maxWaiting?: number;
  readonly logger?: BrokerLogger;
}

interface WaitingEvent {
  readonly event: OrderLifecycleEvent;
  readonly settle: (error?: Error) => void;
}

const DEFAULT_MAX_BATCH = 500;
const DEFAULT_MAX_WAITING = 100_000;

/**
 * Publishes order lifecycle events with a confirm, in batches by group commit: while one batch waits
 * for its confirm, every event recorded meanwhile joins the next one. One event alone goes out at
 * once, so an idle system adds no delay, and a busy one publishes one message per confirm round trip
 * rather than one per event — which is what keeps tracking cheap for intake and drain.
 */
export class OrderEventPublisher implements LifecycleRecorder {
  private readonly channel: ConfirmedChannel;
  private readonly logger: BrokerLogger;
  private waiting: WaitingEvent[] = [];
  private flushing = false;

  constructor(
    connection: BrokerConnection,
    private readonly options: OrderEventPublisherOptions,
  ) {
    this.logger = options.logger ?? silentBrokerLogger;
    const topology = new TopologyKeeper(connection, options.topology, this.logger);
    this.channel = new ConfirmedChannel(connection, {
      name: `order-events:${options.role}`,
      confirmTimeoutMs: options.confirmTimeoutMs,
      beforeReady: () => topology.afterConnect(),
    });
  }

  /** Resolves once the broker confirmed a batch holding all of `events`; rejects with why not. */
  async record(events: readonly OrderLifecycleEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.waiting.length + events.length > (this.options.maxWaiting ?? DEFAULT_MAX_WAITING)) {
      throw new PublishRefusedError('broker-unavailable', 'too many lifecycle events wait for the broker already');
    }
    const settled = events.map(
      (event) => new Promise<void>((resolve, reject) => this.waiting.push({ event, settle: (error) => (error ? reject(error) : resolve()) })),
    );
    this.startFlushing();
    await Promise.all(settled);
  }

  /** Records events nobody waits for; a failure is logged, and the next transition supersedes them. */
  recordInBackground(events: readonly OrderLifecycleEvent[]): void {
    this.record(events).catch((error: Error) =>
      this.logger.warn({ role: this.options.role, events: events.length, err: error.message }, 'lifecycle events not published'),
    );
  }

  async close(): Promise<void> {
    await this.channel.close();
  }

  private startFlushing(): void {
    if (this.flushing) return;
    this.flushing = true;
    void this.flush().finally(() => {
      this.flushing = false;
      if (this.waiting.length > 0) this.startFlushing();
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch ?? DEFAULT_MAX_BATCH);
      const sendableUntil = Date.now() + this.options.sendableWithinMs;
      try {
        await this.channel.publishWhenSendable(
          this.options.topology.names.eventsExchange,
          {
            routingKey: this.options.role,
            content: encodeLifecycleEvents(batch.map((waiting) => waiting.event)),
            properties: { persistent: true, contentType: 'application/json', messageId: randomUUID(), type: 'order-lifecycle-events' },
          },
          () => Date.now() < sendableUntil,
        );
        for (const waiting of batch) waiting.settle();
      } catch (error) {
        for (const waiting of batch) waiting.settle(error as Error);
      }
    }
  }
}
