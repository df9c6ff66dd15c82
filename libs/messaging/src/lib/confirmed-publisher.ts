import { OrderEnvelope, ORDER_TYPES, TopologyNames, encodeEnvelope } from '@bss/contracts';
import { BrokerConnection } from './broker-connection';
import { BrokerLogger } from './broker-logger';
import { OutgoingMessage } from './confirm-session';
import { ConfirmedChannel } from './confirmed-channel';
import { PublishRefusedError } from './errors';
import { envelopePublishOptions } from './order-message';
import { SharedCheck } from './shared-check';
import { TopologyOptions } from './topology';
import { TopologyKeeper } from './topology-keeper';

export interface ConfirmedPublisherOptions {
  readonly topology: TopologyOptions;
  /** Longest wait for the broker's confirm; past it the outcome is unknown. */
  readonly confirmTimeoutMs: number;
  /** Its channels' names in logs, unique per connection. */
  readonly channelName?: string;
  readonly logger?: BrokerLogger;
}

export interface PublisherReadiness {
  readonly ready: boolean;
  /** Why not, in words an operator can act on. */
  readonly reason?: string;
}

/**
 * Publishes orders to the orders exchange and resolves only once the broker confirmed them
 * (persisted in a quorum queue, i.e. on a majority of its nodes), failing as a ConfirmedChannel
 * fails: refused (never stored) or of unknown outcome. All callers of a type share its confirm
 * channel: publishes are pipelined and each settles on its own confirm. A nack is a refusal only when
 * the order's queue is at its bound.
 */
export class ConfirmedPublisher {
  private readonly names: TopologyNames;
  /** One confirm channel per routing key. */
  private readonly channels = new Map<string, ConfirmedChannel>();
  private readonly fullnessChecks = new Map<string, SharedCheck<boolean>>();

  /**
   * A channel per order type, because RabbitMQ's channel process waits on a quorum queue whose
   * leader hangs: on one shared channel, a frozen node leading the MNP queue held back every other
   * type's confirms for as long as it was frozen; on channels of their own the others confirm at once.
   * Trust in the broker is per channel too: a type in doubt does not hold back the others.
   */
  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: ConfirmedPublisherOptions,
  ) {
    this.names = options.topology.names;
    const channelName = options.channelName ?? 'confirmed-publisher';
    const topology = new TopologyKeeper(connection, options.topology, options.logger);
    for (const type of ORDER_TYPES) {
      const routingKey = this.names.routingKeyFor(type);
      this.channels.set(
        routingKey,
        new ConfirmedChannel(connection, {
          name: `${channelName}:${routingKey}`,
          confirmTimeoutMs: options.confirmTimeoutMs,
          beforeReady: () => topology.afterConnect(),
          isQueueFull: (queue, withinMs) => this.queueIsFull(queue, withinMs),
        }),
      );
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
    const channels = routingKey === undefined ? [...this.channels.values()] : [this.channels.get(routingKey)];
    for (const channel of channels) {
      if (!channel) return new PublishRefusedError('unroutable', `${routingKey} is the routing key of no order type`);
      const refusal = channel.refusalBeforeSending();
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** Publishes a new order; `clientId` is whose it is, for its lifecycle events. */
  async publishOrder(envelope: OrderEnvelope, clientId?: string): Promise<void> {
    await this.publish({
      routingKey: this.names.routingKeyFor(envelope.type),
      queue: this.names.queueFor(envelope.type),
      content: encodeEnvelope(envelope),
      properties: envelopePublishOptions(envelope, clientId),
    });
  }

  /** Publishes any message to the orders exchange with the same guarantees as `publishOrder`. */
  async publish(message: OutgoingMessage): Promise<void> {
    const channel = this.channels.get(message.routingKey);
    if (!channel) throw this.refusalBeforeSending(message.routingKey);
    await channel.publish(this.names.ordersExchange, message);
  }

  async close(): Promise<void> {
    await Promise.all([...this.channels.values()].map((channel) => channel.close()));
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
