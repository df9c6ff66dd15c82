import { ENVELOPE_CONTENT_TYPE, OrderEnvelope, ORDER_HEADERS, ORDER_TYPES, TopologyNames, encodeEnvelope } from '@bss/contracts';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { BrokerConnection } from './broker-connection';
import { BrokerLogger } from './broker-logger';
import { ConfirmSession, LateSettlement, OutgoingMessage } from './confirm-session';
import { PublishOutcomeUnknownError, PublishRefusedError } from './errors';
import { SharedCheck } from './shared-check';
import { TopologyOptions } from './topology';
import { TopologyKeeper } from './topology-keeper';

export interface ConfirmedPublisherOptions {
  readonly topology: TopologyOptions;
  /** Longest wait for the broker's confirm; past it the outcome is unknown. */
  readonly confirmTimeoutMs: number;
  /** Its channel's name in logs, unique per connection. */
  readonly channelName?: string;
  readonly logger?: BrokerLogger;
}

export interface PublishHeaders {
  readonly attempt: number;
}

export interface PublisherReadiness {
  readonly ready: boolean;
  /** Why not, in words an operator can act on. */
  readonly reason?: string;
}

/**
 * Publishes orders and resolves only once the broker confirmed them (persisted in a quorum queue,
 * i.e. on a majority of its nodes). All callers of a type share its confirm channel: publishes are pipelined
 * and each settles on its own confirm. Every failure says which of two things happened:
 * PublishRefusedError — the broker does not have the message and never will (nothing was sent, or
 * it was refused for certain); PublishOutcomeUnknownError — it was sent, but no confirm says whether
 * it was stored. Publishes go straight to the amqplib channel rather than through the connection
 * manager's queue, which would hold a message across a reconnect and send it after its caller was
 * told it failed.
 */
export class ConfirmedPublisher {
  private readonly names: TopologyNames;
  private readonly channelName: string;
  /** One confirm channel per routing key, and the session on it while it is open. */
  private readonly channels = new Map<string, { readonly wrapper: ChannelWrapper; session?: ConfirmSession }>();
  private readonly doubted = new Set<string>();
  private readonly probing = new Set<string>();
  private readonly fullnessChecks = new Map<string, SharedCheck<boolean>>();

  /**
   * A channel per order type, because RabbitMQ's channel process waits on a quorum queue whose
   * leader hangs: on one shared channel, a frozen node leading the MNP queue held back every other
   * type's confirms for as long as it was frozen; on channels of their own the others confirm at once.
   */
  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: ConfirmedPublisherOptions,
  ) {
    this.names = options.topology.names;
    this.channelName = options.channelName ?? 'confirmed-publisher';
    const topology = new TopologyKeeper(connection, options.topology, options.logger);
    for (const type of ORDER_TYPES) {
      const routingKey = this.names.routingKeyFor(type);
      const entry: { wrapper: ChannelWrapper; session?: ConfirmSession } = {
        wrapper: connection.createChannel({
          name: `${this.channelName}:${routingKey}`,
          confirm: true,
          setup: async (channel) => {
            entry.session = undefined;
            let closed = false;
            channel.once('close', () => {
              closed = true;
              if (entry.session?.channel === channel) entry.session = undefined;
            });
            await topology.afterConnect();
            if (!closed) entry.session = new ConfirmSession(channel);
          },
        }),
      };
      this.channels.set(routingKey, entry);
    }
  }

  /** Ready to accept orders: connected, topology declared, a channel open for every type, not blocked. */
  isReady(): boolean {
    return this.readiness().ready;
  }

  readiness(): PublisherReadiness {
    const refusal = this.refusalBeforeSending();
    return refusal ? { ready: false, reason: refusal.message } : { ready: true };
  }

  /**
   * Why a publish made now would be refused without being sent, if it would — for `routingKey`, or
   * for any type: callers that publish many orders at once (a batch) ask first, so that they can
   * refuse all of them alike.
   */
  refusalBeforeSending(routingKey?: string): PublishRefusedError | undefined {
    if (!this.connection.isConnected()) return new PublishRefusedError('broker-unavailable', 'the message broker is not connected');
    const entries = routingKey === undefined ? [...this.channels.values()] : [this.channels.get(routingKey)];
    if (entries.some((entry) => entry === undefined)) return new PublishRefusedError('unroutable', `${routingKey} is the routing key of no order type`);
    if (entries.some((entry) => !entry?.session)) {
      return new PublishRefusedError('broker-unavailable', 'the topology is not declared yet on the broker connection');
    }
    const blocked = this.connection.blockedReason();
    if (blocked) return new PublishRefusedError('broker-blocked', `the broker has blocked publishing (${blocked})`);
    return undefined;
  }

  async publishOrder(envelope: OrderEnvelope, headers: PublishHeaders = { attempt: 1 }): Promise<void> {
    await this.publish({
      routingKey: this.names.routingKeyFor(envelope.type),
      queue: this.names.queueFor(envelope.type),
      content: encodeEnvelope(envelope),
      properties: {
        persistent: true,
        contentType: ENVELOPE_CONTENT_TYPE,
        messageId: envelope.id,
        type: envelope.type,
        timestamp: Math.floor(Date.parse(envelope.acceptedAt) / 1000),
        correlationId: envelope.correlationId,
        headers: {
          [ORDER_HEADERS.attempt]: headers.attempt,
          [ORDER_HEADERS.correlationId]: envelope.correlationId,
          [ORDER_HEADERS.origin]: envelope.origin,
        },
      },
    });
  }

  /** Publishes any message to the orders exchange with the same guarantees as `publishOrder`. */
  async publish(message: OutgoingMessage): Promise<void> {
    const { routingKey } = message;
    const refusal = this.refusalBeforeSending(routingKey);
    if (refusal) throw refusal;
    const session = this.channels.get(routingKey)?.session as ConfirmSession;
    const probe = { holds: false };
    if (this.doubted.has(routingKey)) {
      if (this.probing.has(routingKey)) {
        throw new PublishRefusedError('broker-not-confirming', 'the broker has not confirmed an earlier order of this type in time; this one was not sent');
      }
      this.holdProbe(routingKey, probe);
    }
    const startedAt = performance.now();
    const settlement = await session.send(this.names.ordersExchange, message, this.options.confirmTimeoutMs, (late) => this.learn(routingKey, late, probe));
    if (settlement !== 'timed-out') this.learn(routingKey, settlement, probe);
    switch (settlement) {
      case 'acked':
        return;
      case undefined:
        throw new PublishRefusedError('broker-unavailable', 'the channel to the broker closed before the order was sent');
      case 'returned':
        throw new PublishRefusedError('unroutable', `no queue is bound for ${routingKey}: the broker dropped the order`);
      case 'timed-out':
        // Still in flight: until its late confirm comes it is the probe, unless another one already is.
        this.doubted.add(routingKey);
        if (!this.probing.has(routingKey)) this.holdProbe(routingKey, probe);
        throw new PublishOutcomeUnknownError('confirm-timeout', `the broker did not confirm within ${this.options.confirmTimeoutMs} ms`);
      case 'channel-closed':
        throw new PublishOutcomeUnknownError('connection-lost', 'the connection to the broker closed before its confirm');
      case 'nacked': {
        const remainingMs = this.options.confirmTimeoutMs - (performance.now() - startedAt);
        if (await this.queueIsFull(message.queue, remainingMs)) {
          throw new PublishRefusedError('queue-full', 'the order queue is full; the broker refused the order');
        }
        this.doubted.add(routingKey);
        throw new PublishOutcomeUnknownError('ambiguous-nack', 'the broker nacked the order while its queue was not full');
      }
    }
  }

  private holdProbe(routingKey: string, probe: { holds: boolean }): void {
    this.probing.add(routingKey);
    probe.holds = true;
  }

  /**
   * Trust in the broker, per routing key: a publish that went unconfirmed (deadline passed, channel
   * cut, ambiguous nack) puts its key in doubt, and a confirm restores it. While a key is in doubt
   * one publish at a time probes the broker and the others are refused without being sent — over a
   * reconnect too, since a new connection to a broker that cannot confirm (a queue without its
   * majority) would otherwise send a whole second's worth of orders into the unknown again. Only
   * the probe's own settlement lets the next probe go.
   */
  private learn(routingKey: string, settlement: LateSettlement | undefined, probe: { holds: boolean }): void {
    if (probe.holds) {
      this.probing.delete(routingKey);
      probe.holds = false;
    }
    if (settlement === 'acked') this.doubted.delete(routingKey);
    else if (settlement === 'channel-closed') this.doubted.add(routingKey);
  }

  async close(): Promise<void> {
    await Promise.all([...this.channels].map(([routingKey, { wrapper }]) => this.connection.closeChannel(`${this.channelName}:${routingKey}`, wrapper)));
  }

  /**
   * A nack is a definite refusal only when the queue is at its bound (reject-publish). RabbitMQ
   * also nacks when a node shuts down or pauses, and a quorum queue may still store such a message.
   * The check is shared by every nack that arrives while one is under way, and started after them.
   */
  private async queueIsFull(queue: string, withinMs: number): Promise<boolean> {
    if (withinMs <= 0) return false;
    let check = this.fullnessChecks.get(queue);
    if (!check) {
      check = new SharedCheck(() =>
        this.connection.withTemporaryChannel(async (channel) => (await channel.checkQueue(queue)).messageCount >= this.options.topology.maxLength),
      );
      this.fullnessChecks.set(queue, check);
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
    try {
      return await Promise.race([check.run().catch(() => false), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
