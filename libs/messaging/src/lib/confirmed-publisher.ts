import { ENVELOPE_CONTENT_TYPE, OrderEnvelope, ORDER_HEADERS, TopologyNames, encodeEnvelope } from '@bss/contracts';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { BrokerConnection } from './broker-connection';
import { BrokerUnavailableError, PublishRejectedError } from './errors';
import { declareTopology, TopologyOptions } from './topology';

export interface ConfirmedPublisherOptions {
  readonly topology: TopologyOptions;
  /** Longest wait for the broker's confirm; past it the caller gets BrokerUnavailableError. */
  readonly confirmTimeoutMs: number;
}

export interface PublishHeaders {
  readonly attempt: number;
}

/**
 * Publishes orders and resolves only once the broker confirmed them (persisted in the queue).
 * All callers share one confirm channel: publishes are pipelined, each promise settles on its own
 * ack or nack, so concurrent requests never wait on each other.
 */
export class ConfirmedPublisher {
  private readonly channel: ChannelWrapper;
  private readonly names: TopologyNames;
  private topologyDeclared = false;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: ConfirmedPublisherOptions,
  ) {
    this.names = options.topology.names;
    this.channel = connection.createChannel({
      name: 'confirmed-publisher',
      confirm: true,
      setup: async (channel) => {
        this.topologyDeclared = false;
        channel.once('close', () => (this.topologyDeclared = false));
        await declareTopology(channel, options.topology);
        this.topologyDeclared = true;
      },
    });
  }

  /** Ready to accept orders: connected, with the topology declared on the current channel. */
  isReady(): boolean {
    return this.connection.isConnected() && this.topologyDeclared;
  }

  async publishOrder(envelope: OrderEnvelope, headers: PublishHeaders = { attempt: 1 }): Promise<void> {
    if (!this.isReady()) throw new BrokerUnavailableError('message broker is not connected');
    try {
      await this.channel.publish(this.names.ordersExchange, this.names.routingKeyFor(envelope.type), encodeEnvelope(envelope), {
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
        timeout: this.options.confirmTimeoutMs,
      });
    } catch (error) {
      throw classifyPublishFailure(error as Error);
    }
  }

  async close(): Promise<void> {
    await this.connection.closeChannel('confirmed-publisher', this.channel);
  }
}

function classifyPublishFailure(error: Error): Error {
  if (error.message === 'message nacked') {
    return new PublishRejectedError('the broker refused the order (queue full)');
  }
  if (error.message === 'timeout') {
    return new BrokerUnavailableError('the broker did not confirm the order in time', { cause: error });
  }
  return new BrokerUnavailableError(`publishing failed: ${error.message}`, { cause: error });
}
