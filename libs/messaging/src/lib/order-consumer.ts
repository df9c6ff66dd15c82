import { ORDER_HEADERS } from '@bss/contracts';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { BrokerConnection } from './broker-connection';
import { BrokerLogger, silentBrokerLogger } from './broker-logger';
import { declareTopology, TopologyOptions } from './topology';

/** What to do with a message once its handler is done; the consumer is the only place that acks. */
export type Disposition =
  | { readonly kind: 'ack' }
  | { readonly kind: 'requeue' }
  | { readonly kind: 'dead-letter'; readonly reason: string; readonly error: string };

export interface ConsumedMessage {
  readonly content: Buffer;
  readonly messageId?: string;
  readonly headers: Record<string, unknown>;
  /** Our own attempt count (`x-attempt`), 1 for the first delivery of a published order. */
  readonly attempt: number;
  readonly redelivered: boolean;
}

export interface OrderConsumerOptions {
  readonly queue: string;
  /** Unacked messages the broker may hand this consumer at once: its concurrency. */
  readonly prefetch: number;
  readonly topology: TopologyOptions;
  readonly handle: (message: ConsumedMessage) => Promise<Disposition>;
  readonly logger?: BrokerLogger;
}

/** Headers a dead letter carries so that an operator can see why it failed and replay it. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  lastError: 'x-last-error',
  attempts: 'x-attempts',
  deadLetteredAt: 'x-dead-lettered-at',
  sourceQueue: 'x-source-queue',
} as const;

/**
 * Consumes one queue with manual acks. A message is acked only after its handler finished, so a
 * crash at any point hands it back to the broker. Dead letters are published with a confirm before
 * the original is acked: a failure between the two duplicates the dead letter, never loses it.
 */
export class OrderConsumer {
  private readonly logger: BrokerLogger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly consumerTags = new Map<Channel, string>();
  private consumeChannel?: ChannelWrapper;
  private deadLetterChannel?: ChannelWrapper;
  private stopping = false;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: OrderConsumerOptions,
  ) {
    this.logger = options.logger ?? silentBrokerLogger;
  }

  start(): void {
    this.deadLetterChannel = this.connection.createChannel({
      name: `dead-letter-publisher:${this.options.queue}`,
      confirm: true,
      setup: async () => undefined,
    });
    this.consumeChannel = this.connection.createChannel({
      name: `consumer:${this.options.queue}`,
      confirm: false,
      setup: async (channel) => {
        await declareTopology(channel, this.options.topology);
        await channel.prefetch(this.options.prefetch);
        const { consumerTag } = await channel.consume(
          this.options.queue,
          (message) => this.onDelivery(channel, message),
          { noAck: false },
        );
        this.consumerTags.set(channel, consumerTag);
        channel.once('close', () => this.consumerTags.delete(channel));
      },
    });
  }

  /** Messages being processed right now. */
  inFlightCount(): number {
    return this.inFlight.size;
  }

  isConsuming(): boolean {
    return this.connection.isConnected() && this.consumerTags.size > 0 && !this.stopping;
  }

  /**
   * Stops taking messages, lets in-flight ones finish for up to `graceMs`, then closes. Whatever
   * is still unacked when the channel closes goes back to the queue for another consumer.
   */
  async stop(graceMs: number): Promise<{ finished: boolean; handedBack: number }> {
    this.stopping = true;
    await Promise.all(
      [...this.consumerTags].map(([channel, tag]) => channel.cancel(tag).catch(() => undefined)),
    );
    const finished = await settleWithin([...this.inFlight], graceMs);
    const handedBack = this.inFlight.size;
    if (this.consumeChannel) await this.connection.closeChannel(`consumer:${this.options.queue}`, this.consumeChannel);
    if (this.deadLetterChannel) {
      await this.connection.closeChannel(`dead-letter-publisher:${this.options.queue}`, this.deadLetterChannel);
    }
    return { finished, handedBack };
  }

  private onDelivery(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      this.logger.warn({ queue: this.options.queue }, 'consumer cancelled by the broker; reconnecting');
      return;
    }
    if (this.stopping) {
      safely(() => channel.nack(message, false, true));
      return;
    }
    const work = this.process(channel, message).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async process(channel: Channel, message: ConsumeMessage): Promise<void> {
    const consumed = toConsumedMessage(message);
    let disposition: Disposition;
    try {
      disposition = await this.options.handle(consumed);
    } catch (error) {
      this.logger.error(
        { queue: this.options.queue, messageId: consumed.messageId, err: (error as Error).message },
        'order handler threw; handing the message back',
      );
      disposition = { kind: 'requeue' };
    }
    await this.settle(channel, message, consumed, disposition);
  }

  private async settle(
    channel: Channel,
    message: ConsumeMessage,
    consumed: ConsumedMessage,
    disposition: Disposition,
  ): Promise<void> {
    switch (disposition.kind) {
      case 'ack':
        safely(() => channel.ack(message));
        return;
      case 'requeue':
        safely(() => channel.nack(message, false, true));
        return;
      case 'dead-letter':
        try {
          await this.publishDeadLetter(message, consumed, disposition);
          safely(() => channel.ack(message));
        } catch (error) {
          this.logger.error(
            { queue: this.options.queue, messageId: consumed.messageId, err: (error as Error).message },
            'dead-lettering failed; handing the message back',
          );
          safely(() => channel.nack(message, false, true));
        }
        return;
    }
  }

  private async publishDeadLetter(
    message: ConsumeMessage,
    consumed: ConsumedMessage,
    disposition: { reason: string; error: string },
  ): Promise<void> {
    if (!this.deadLetterChannel) throw new Error('consumer not started');
    const { properties } = message;
    await this.deadLetterChannel.publish(this.options.topology.names.deadLetterExchange, '', message.content, {
      persistent: true,
      contentType: properties.contentType,
      messageId: properties.messageId,
      type: properties.type,
      timestamp: properties.timestamp,
      correlationId: properties.correlationId,
      headers: {
        ...consumed.headers,
        [DEAD_LETTER_HEADERS.reason]: disposition.reason,
        [DEAD_LETTER_HEADERS.lastError]: disposition.error.slice(0, 2000),
        [DEAD_LETTER_HEADERS.attempts]: consumed.attempt,
        [DEAD_LETTER_HEADERS.deadLetteredAt]: new Date().toISOString(),
        [DEAD_LETTER_HEADERS.sourceQueue]: this.options.queue,
      },
    });
  }
}

function toConsumedMessage(message: ConsumeMessage): ConsumedMessage {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const attempt = Number(headers[ORDER_HEADERS.attempt]);
  return {
    content: message.content,
    messageId: message.properties.messageId,
    headers,
    attempt: Number.isSafeInteger(attempt) && attempt > 0 ? attempt : 1,
    redelivered: message.fields.redelivered,
  };
}

/** Acks on a channel that closed meanwhile are moot: the broker redelivers those messages anyway. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    return;
  }
}

async function settleWithin(work: Promise<void>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const finished = await Promise.race([Promise.allSettled(work).then(() => true as const), deadline]);
  clearTimeout(timer);
  return finished;
}
