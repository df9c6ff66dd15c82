import { decodeLifecycleEvents, OrderLifecycleEvent } from '@bss/contracts';
import { BrokerConnection, TopologyKeeper, TopologyOptions } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import { CallbackRenderer, OrderTrackingStore } from '@bss/order-tracking';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrackerMetrics } from './tracker-metrics';

export interface LifecycleEventIntakeOptions {
  readonly topology: TopologyOptions;
  /** Most events written in one transaction. */
  readonly batchSize: number;
  /** Longest a batch waits to fill before it is written anyway. */
  readonly lingerMs: number;
  readonly render: CallbackRenderer;
}

/** Event batches the broker may hand over unacked: enough to fill several writes while one runs. */
const PREFETCH = 200;
const MAX_WRITE_RETRY_DELAY_MS = 5000;

interface Pending {
  readonly channel: Channel;
  readonly message: ConsumeMessage;
  readonly events: OrderLifecycleEvent[];
}

/**
 * Takes lifecycle events off the tracker's queue and writes them to the store in batches: many
 * published batches (each a message) are gathered into one transaction of up to `batchSize` events,
 * written, and only then acked. While PostgreSQL is down the write is retried and the messages stay
 * unacked (the queue holds the rest), so an outage delays the tracker's view but loses nothing.
 */
export class LifecycleEventIntake {
  private channelWrapper?: ChannelWrapper;
  private readonly topologyKeeper: TopologyKeeper;
  private waiting: Pending[] = [];
  private readonly closedChannels = new WeakSet<Channel>();
  private waitingEvents = 0;
  private lingerTimer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private consuming = false;
  private stopping = false;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly store: OrderTrackingStore,
    private readonly metrics: TrackerMetrics,
    private readonly logger: Logger,
    private readonly options: LifecycleEventIntakeOptions,
  ) {
    this.topologyKeeper = new TopologyKeeper(connection, options.topology, logger);
  }

  start(): void {
    this.channelWrapper = this.connection.createChannel({
      name: 'lifecycle-events',
      confirm: false,
      setup: async (channel) => {
        this.consuming = false;
        channel.once('close', () => {
          this.consuming = false;
          this.forget(channel);
        });
        await this.topologyKeeper.afterConnect();
        await channel.prefetch(PREFETCH);
        await channel.consume(this.options.topology.names.trackerQueue, (message) => message && this.onMessage(channel, message), { noAck: false });
        this.consuming = true;
      },
    });
  }

  isConsuming(): boolean {
    return this.consuming && this.connection.isConnected() && !this.stopping;
  }

  /** Writes what was taken already, then closes; anything unacked goes back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.lingerTimer);
    await this.writing;
    if (this.waiting.length > 0) await this.flush();
    if (this.channelWrapper) await this.connection.closeChannel('lifecycle-events', this.channelWrapper);
  }

  private onMessage(channel: Channel, message: ConsumeMessage): void {
    const decoded = decodeLifecycleEvents(message.content);
    if (!decoded.ok) {
      // A publisher bug, not a transient state: redelivering it would fail the same way forever.
      this.metrics.malformed();
      this.logger.error({ problem: decoded.problem, bytes: message.content.length, routingKey: message.fields.routingKey }, 'malformed lifecycle event batch dropped');
      channel.ack(message);
      return;
    }
    this.waiting.push({ channel, message, events: decoded.events });
    this.waitingEvents += decoded.events.length;
    if (this.waitingEvents >= this.options.batchSize) this.startWriting();
    else this.lingerTimer ??= setTimeout(() => this.startWriting(), this.options.lingerMs);
  }

  private startWriting(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.writing || this.waiting.length === 0) return;
    this.writing = this.flush().finally(() => {
      this.writing = undefined;
      if (this.waitingEvents >= this.options.batchSize) this.startWriting();
      else if (this.waiting.length > 0) this.lingerTimer ??= setTimeout(() => this.startWriting(), this.options.lingerMs);
    });
  }

  /** Writes everything waiting (up to a batch) until it is stored, then acks it. */
  private async flush(): Promise<void> {
    const batch: Pending[] = [];
    let events = 0;
    while (this.waiting.length > 0 && (batch.length === 0 || events + this.waiting[0].events.length <= this.options.batchSize)) {
      const next = this.waiting.shift() as Pending;
      batch.push(next);
      events += next.events.length;
    }
    this.waitingEvents -= events;
    const all = batch.flatMap((pending) => pending.events);
    for (let attempt = 0; ; attempt += 1) {
      const open = batch.filter((pending) => !this.isForgotten(pending.channel));
      if (open.length === 0) return;
      try {
        const started = performance.now();
        const changes = await this.store.apply(all, this.options.render);
        this.metrics.stored(all, (performance.now() - started) / 1000, changes.map((change) => change.event.state));
        for (const pending of open) ackUnlessClosed(pending);
        return;
      } catch (error) {
        const delayMs = Math.min(MAX_WRITE_RETRY_DELAY_MS, 100 * 2 ** attempt);
        this.logger.warn({ err: (error as Error).message, events: all.length, delayMs }, 'could not store lifecycle events; retrying');
        await sleep(delayMs);
      }
    }
  }

  /** Messages of a closed channel are redelivered by the broker: drop them here. */
  private forget(channel: Channel): void {
    this.closedChannels.add(channel);
    const kept = this.waiting.filter((pending) => pending.channel !== channel);
    this.waitingEvents = kept.reduce((sum, pending) => sum + pending.events.length, 0);
    this.waiting = kept;
  }

  private isForgotten(channel: Channel): boolean {
    return this.closedChannels.has(channel);
  }
}

/** An ack on a channel that closed meanwhile is moot: the broker redelivers, and the store drops the repeat. */
function ackUnlessClosed(pending: Pending): void {
  try {
    pending.channel.ack(pending.message);
  } catch {
    return;
  }
}
