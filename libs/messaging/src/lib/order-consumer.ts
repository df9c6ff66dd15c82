import { ORDER_HEADERS } from '@bss/contracts';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { BrokerConnection } from './broker-connection';
import { BrokerLogger, silentBrokerLogger } from './broker-logger';
import { ConfirmedChannel } from './confirmed-channel';
import { deferralDelayFor } from './deferral-ladder';
import { isPublishFailure } from './errors';
import { OrderMessageChanges, orderPublishOptions } from './order-message';
import { TopologyOptions } from './topology';
import { TopologyKeeper } from './topology-keeper';

/** What to do with a message once its handler is done; the consumer is the only place that acks. */
export type Disposition =
  | { readonly kind: 'ack' }
  | {
      /**
       * A failed hand-back: the delivery is rejected to the queue and counts toward its delivery limit,
       * past which the broker dead-letters it (`x-first-death-reason: delivery_limit`).
       */
      readonly kind: 'requeue';
    }
  | { readonly kind: 'retry'; readonly step: number; readonly delayMs: number; readonly error: string }
  | {
      /** Not a failure of the order but a lack of room for it now: it waits, and its attempt is not spent. */
      readonly kind: 'defer';
      /** The least it must wait; it waits the deferral step that covers this (deferralDelayFor). */
      readonly waitMs: number;
      readonly error: string;
    }
  | { readonly kind: 'dead-letter'; readonly reason: string; readonly error: string };

/** A handler's answer for one delivery. */
export interface HandledMessage {
  readonly disposition: Disposition;
  /**
   * Called once the broker has settled the delivery, with what was done: the disposition, or a
   * hand-back (`requeue`) when its retry, deferral or dead letter could not be published. Never
   * called when settling failed (the channel closed first, or stop() handed the delivery back): the
   * broker delivers the message again, and what becomes of that delivery is what counts.
   */
  readonly onSettled?: (done: Disposition) => void;
}

export interface ConsumedMessage {
  readonly content: Buffer;
  readonly messageId?: string;
  readonly headers: Record<string, unknown>;
  /** Our own attempt count (`x-attempt`), 1 for the first delivery of a published order. */
  readonly attempt: number;
  /** Deferrals (and pending checks) so far (`x-deferrals`), 0 for an order never deferred. */
  readonly deferrals: number;
  /** Replays of the order's dead letter so far (`x-replays`). */
  readonly replays: number;
  readonly redelivered: boolean;
}

export interface OrderConsumerOptions {
  readonly queue: string;
  /** Unacked messages the broker may hand this consumer at once: its concurrency. */
  readonly prefetch: number;
  readonly topology: TopologyOptions;
  /** Routing key a retried or deferred message is sent back with, i.e. the key that leads to this queue. */
  readonly retryRoutingKey: string;
  readonly handle: (message: ConsumedMessage) => Promise<HandledMessage>;
  readonly logger?: BrokerLogger;
  /**
   * Where retries, deferrals and dead letters are published, by default the consuming connection. RabbitMQ
   * blocks a connection that publishes during a memory or disk alarm, acks included, so a
   * separate one keeps the consumer acking (and the queue shrinking) while the alarm lasts.
   */
  readonly publishConnection?: BrokerConnection;
  /** Longest wait for the confirm of a retry, deferral or dead letter; then the delivery is handed back. */
  readonly republishConfirmTimeoutMs?: number;
}

/**
 * Long: a copy whose confirm is late is handed back and handled again, and if the late copy was
 * stored after all the order runs twice (the backend's idempotency absorbs it). Waiting only holds
 * the delivery's own prefetch slot.
 */
const REPUBLISH_CONFIRM_TIMEOUT_MS = 30_000;

/** A pause before consuming again after the broker's cancel, so a queue being recreated has a moment. */
const RESUBSCRIBE_DELAY_MS = 1000;

const AMQP_NOT_FOUND = 404;

/** Headers a dead letter carries so that an operator can see why it failed and replay it. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  lastError: 'x-last-error',
  attempts: 'x-attempts',
  deadLetteredAt: 'x-dead-lettered-at',
  sourceQueue: 'x-source-queue',
} as const;

/** Headers the broker manages per delivery; a republished copy must not carry stale values. */
const BROKER_DELIVERY_HEADERS = ['x-delivery-count'];

/**
 * Consumes one queue with manual acks. A message is acked only after its handler finished, so a
 * crash at any point hands it back to the broker. Retries, deferrals and dead letters are republished
 * with a confirm (on a ConfirmedChannel, mandatory: a copy no queue takes is a failure, not a loss)
 * before the original is acked: a failure between the two duplicates the message (which the backend's
 * idempotency absorbs), never loses it.
 */
export class OrderConsumer {
  private readonly logger: BrokerLogger;
  private readonly inFlight = new Map<Delivery, Promise<void>>();
  private readonly consumerTags = new Map<Channel, string>();
  private readonly closedChannels = new WeakSet<Channel>();
  private consumeChannel?: ChannelWrapper;
  private republisher?: ConfirmedChannel;
  private stopping = false;
  private readonly topology: TopologyKeeper;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: OrderConsumerOptions,
  ) {
    this.logger = options.logger ?? silentBrokerLogger;
    this.topology = new TopologyKeeper(connection, options.topology, this.logger);
  }

  start(): void {
    this.republisher = new ConfirmedChannel(this.publishConnection(), {
      name: `republisher:${this.options.queue}`,
      confirmTimeoutMs: this.options.republishConfirmTimeoutMs ?? REPUBLISH_CONFIRM_TIMEOUT_MS,
    });
    this.consumeChannel = this.connection.createChannel({
      name: `consumer:${this.options.queue}`,
      confirm: false,
      setup: async (channel) => {
        await this.topology.afterConnect();
        await channel.prefetch(this.options.prefetch);
        channel.once('close', () => {
          this.consumerTags.delete(channel);
          this.closedChannels.add(channel);
        });
        await this.subscribe(channel);
      },
    });
  }

  private async subscribe(channel: Channel): Promise<void> {
    try {
      const { consumerTag } = await channel.consume(this.options.queue, (message) => this.onDelivery(channel, message), { noAck: false });
      this.consumerTags.set(channel, consumerTag);
    } catch (error) {
      if ((error as { code?: number }).code === AMQP_NOT_FOUND) this.topology.redeclareBeforeNextUse();
      throw error;
    }
  }

  /**
   * The broker cancels a consumer when its queue is deleted; until it consumes again the processor is
   * not ready. The queue is declared again (waiting for it, as on the first start) and consumed on the
   * same channel; should that fail, the channel error reconnects and the setup does the same.
   */
  private resubscribeAfterCancel(channel: Channel): void {
    this.consumerTags.delete(channel);
    this.topology.redeclareBeforeNextUse();
    setTimeout(() => {
      if (this.stopping || this.closedChannels.has(channel)) return;
      this.topology
        .afterConnect()
        .then(() => this.subscribe(channel))
        .catch((error: Error) => this.logger.warn({ queue: this.options.queue, err: error.message }, 'consuming again after a cancel failed; the reconnect restores it'));
    }, RESUBSCRIBE_DELAY_MS).unref();
  }

  /** Messages being processed right now. */
  inFlightCount(): number {
    return this.inFlight.size;
  }

  isConsuming(): boolean {
    return this.connection.isConnected() && this.consumerTags.size > 0 && !this.stopping;
  }

  /**
   * Stops taking messages, lets in-flight ones finish for up to `graceMs`, then hands back what is
   * still unfinished, for another consumer, and closes. Handing back on stop spends no attempt where
   * the broker allows it (see handBackUnspent).
   */
  async stop(graceMs: number): Promise<{ finished: boolean; handedBack: number }> {
    this.stopping = true;
    await Promise.all(
      [...this.consumerTags].map(([channel, tag]) => channel.cancel(tag).catch(() => undefined)),
    );
    const finished = await settleWithin([...this.inFlight.values()], graceMs);
    const handedBack = this.inFlight.size;
    // Before the channel closes: RabbitMQ 4.3 counts a message its channel closed holding as a failed delivery.
    for (const delivery of this.inFlight.keys()) {
      this.settleOnce(delivery, handBackUnspent);
      delivery.handedBack = true;
    }
    if (this.consumeChannel) await this.connection.closeChannel(`consumer:${this.options.queue}`, this.consumeChannel);
    await this.republisher?.close();
    return { finished, handedBack };
  }

  private publishConnection(): BrokerConnection {
    return this.options.publishConnection ?? this.connection;
  }

  private onDelivery(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      this.logger.warn({ queue: this.options.queue }, 'consumer cancelled by the broker; consuming again');
      this.resubscribeAfterCancel(channel);
      return;
    }
    if (this.stopping) {
      safely(() => handBackUnspent(channel, message));
      return;
    }
    const delivery: Delivery = { channel, message, handedBack: false };
    const work = this.process(delivery).finally(() => this.inFlight.delete(delivery));
    this.inFlight.set(delivery, work);
  }

  private async process(delivery: Delivery): Promise<void> {
    const consumed = toConsumedMessage(delivery.message);
    let handled: HandledMessage;
    try {
      handled = await this.options.handle(consumed);
    } catch (error) {
      this.logger.error(
        { queue: this.options.queue, messageId: consumed.messageId, err: (error as Error).message },
        'order handler threw; handing the message back',
      );
      handled = { disposition: { kind: 'requeue' } };
    }
    const done = await this.settle(delivery, consumed, handled.disposition);
    if (!done) return;
    try {
      handled.onSettled?.(done);
    } catch (error) {
      this.logger.error({ queue: this.options.queue, messageId: consumed.messageId, err: (error as Error).message }, 'reporting a settled delivery failed');
    }
  }

  /**
   * Does what the disposition says; resolves with what was done, or undefined if the delivery could
   * no longer be settled (its channel closed, or stop() handed it back).
   */
  private async settle(delivery: Delivery, consumed: ConsumedMessage, disposition: Disposition): Promise<Disposition | undefined> {
    const handBack: Disposition = { kind: 'requeue' };
    if (disposition.kind === 'ack') return this.settleOnce(delivery, ack) ? disposition : undefined;
    if (disposition.kind === 'requeue') return this.settleOnce(delivery, handBackFailed) ? disposition : undefined;
    try {
      const copy = this.copyFor(disposition, consumed);
      await this.republish(delivery.message, copy, () => this.isSettleable(delivery));
    } catch (error) {
      this.logger.error(
        {
          queue: this.options.queue,
          messageId: consumed.messageId,
          err: (error as Error).message,
          ...(isPublishFailure(error) ? { publishFailure: error.name, reason: error.reason } : {}),
        },
        `${disposition.kind} failed; handing the message back`,
      );
      return this.settleOnce(delivery, handBackFailed) ? handBack : undefined;
    }
    return this.settleOnce(delivery, ack) ? disposition : undefined;
  }

  private isSettleable(delivery: Delivery): boolean {
    return !delivery.handedBack && !this.closedChannels.has(delivery.channel);
  }

  /**
   * Settles a delivery that is still this consumer's to settle: settling one twice (its handler ending
   * after stop() handed it back) is a channel error. False when it was not settled.
   */
  private settleOnce(delivery: Delivery, action: (channel: Channel, message: ConsumeMessage) => void): boolean {
    return this.isSettleable(delivery) && safely(() => action(delivery.channel, delivery.message));
  }

  /** Where the copy of a retried, deferred or dead-lettered message goes, and what it carries anew. */
  private copyFor(disposition: Republished, consumed: ConsumedMessage): MessageCopy {
    const { names } = this.options.topology;
    switch (disposition.kind) {
      case 'retry':
        // To the retry queue of its step, where it waits out its own delay (the message's expiration).
        return {
          exchange: names.retryExchangeFor(disposition.step),
          routingKey: this.options.retryRoutingKey,
          changes: { headers: failureHeaders(consumed, consumed.attempt + 1, disposition.error), expiration: String(Math.max(0, Math.round(disposition.delayMs))) },
        };
      case 'defer':
        // To the deferral queue of its step, whose TTL is the queue's: no expiration of its own, same attempt.
        return {
          exchange: names.deferralExchangeFor(deferralDelayFor(disposition.waitMs)),
          routingKey: this.options.retryRoutingKey,
          changes: {
            headers: { ...failureHeaders(consumed, consumed.attempt, disposition.error), [ORDER_HEADERS.deferrals]: consumed.deferrals + 1 },
          },
        };
      case 'dead-letter':
        return {
          exchange: names.deadLetterExchange,
          routingKey: '',
          changes: {
            headers: {
              ...carriedHeaders(consumed),
              [ORDER_HEADERS.firstFailureAt]: firstFailureAt(consumed),
              [DEAD_LETTER_HEADERS.reason]: disposition.reason,
              [DEAD_LETTER_HEADERS.lastError]: disposition.error.slice(0, 2000),
              [DEAD_LETTER_HEADERS.attempts]: consumed.attempt,
              [DEAD_LETTER_HEADERS.deadLetteredAt]: new Date().toISOString(),
              [DEAD_LETTER_HEADERS.sourceQueue]: this.options.queue,
            },
          },
        };
    }
  }

  /**
   * Publishes a copy of the message, body and order properties unchanged, and waits for the confirm.
   * While the publishing connection cannot send (down, blocked by an alarm, unsure of the broker) the
   * copy waits, holding its delivery unacked, for as long as the delivery is its to settle: handing it
   * back at once would only have it handled again, backend call included, at full speed.
   */
  private async republish(message: ConsumeMessage, copy: MessageCopy, stillWanted: () => boolean): Promise<void> {
    if (!this.republisher) throw new Error('consumer not started');
    await this.republisher.publishWhenSendable(
      copy.exchange,
      { routingKey: copy.routingKey, content: message.content, properties: orderPublishOptions(message.properties, copy.changes) },
      stillWanted,
    );
  }
}

type Republished = Extract<Disposition, { kind: 'retry' | 'defer' | 'dead-letter' }>;

/** A delivery being handled; `handedBack` once stop() gave it back unfinished. */
interface Delivery {
  readonly channel: Channel;
  readonly message: ConsumeMessage;
  handedBack: boolean;
}

function ack(channel: Channel, message: ConsumeMessage): void {
  channel.ack(message);
}

/**
 * A delivery that failed. A reject counts toward the queue's delivery limit on every RabbitMQ
 * version (a nack does not on 4.3), so an order that keeps failing ends in the dead-letter queue.
 */
function handBackFailed(channel: Channel, message: ConsumeMessage): void {
  channel.reject(message, true);
}

/**
 * A delivery given up unhandled because the consumer stops: a nack, which RabbitMQ 4.3 does not count
 * toward the delivery limit (older versions do, unavoidably).
 */
function handBackUnspent(channel: Channel, message: ConsumeMessage): void {
  channel.nack(message, false, true);
}

interface MessageCopy {
  readonly exchange: string;
  readonly routingKey: string;
  readonly changes: OrderMessageChanges;
}

function carriedHeaders(consumed: ConsumedMessage): Record<string, unknown> {
  return Object.fromEntries(Object.entries(consumed.headers).filter(([name]) => !BROKER_DELIVERY_HEADERS.includes(name)));
}

/** The headers a retried or deferred order goes back with: its attempt, and what went wrong since when. */
function failureHeaders(consumed: ConsumedMessage, attempt: number, error: string): Record<string, unknown> {
  return {
    ...carriedHeaders(consumed),
    [ORDER_HEADERS.attempt]: attempt,
    [ORDER_HEADERS.firstFailureAt]: firstFailureAt(consumed),
    [ORDER_HEADERS.lastError]: error.slice(0, 2000),
  };
}

function firstFailureAt(consumed: ConsumedMessage): string {
  const recorded = consumed.headers[ORDER_HEADERS.firstFailureAt];
  return typeof recorded === 'string' ? recorded : new Date().toISOString();
}

function toConsumedMessage(message: ConsumeMessage): ConsumedMessage {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  return {
    content: message.content,
    messageId: message.properties.messageId,
    headers,
    attempt: counterOf(headers[ORDER_HEADERS.attempt], 1),
    deferrals: counterOf(headers[ORDER_HEADERS.deferrals], 0),
    replays: counterOf(headers[ORDER_HEADERS.replays], 0),
    redelivered: message.fields.redelivered,
  };
}

/** A counter header as a whole number, or `least` when it is missing or not one. */
function counterOf(header: unknown, least: number): number {
  const value = Number(header);
  return Number.isSafeInteger(value) && value >= least ? value : least;
}

/**
 * Acks on a channel that closed meanwhile are moot: the broker redelivers those messages anyway.
 * False when the action failed so, i.e. the delivery is not settled.
 */
function safely(action: () => void): boolean {
  try {
    action();
    return true;
  } catch {
    return false;
  }
}

async function settleWithin(work: Promise<void>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const finished = await Promise.race([Promise.allSettled(work).then(() => true as const), deadline]);
  clearTimeout(timer);
  return finished;
}
