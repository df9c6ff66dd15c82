import { ORDER_HEADERS, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerConnection, BrokerUnavailableError, DEAD_LETTER_HEADERS, declareTopology, TopologyOptions } from '@bss/messaging';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { ReplayCandidate } from '../store/dead-letter';

const REPLAY_HEADERS = { replayedFrom: 'x-replayed-from' } as const;

/**
 * Headers that described the failure or the broker's handling; a replayed order starts clean. Ours
 * come from where they are defined; the broker's own (x-death...) are RabbitMQ's names.
 */
const FAILURE_HEADERS = [
  ...Object.values(DEAD_LETTER_HEADERS),
  ORDER_HEADERS.firstFailureAt,
  ORDER_HEADERS.lastError,
  'x-death',
  'x-first-death-reason',
  'x-first-death-queue',
  'x-first-death-exchange',
  'x-last-death-reason',
  'x-last-death-queue',
  'x-last-death-exchange',
  'x-delivery-count',
];

/**
 * Publishes a stored dead letter back to the orders exchange as the order it was: same body and
 * properties, correlation id kept, a fresh attempt count, and the dead letter it came from.
 */
export class ReplayPublisher {
  private readonly channel: ChannelWrapper;
  private readonly names: TopologyNames;

  constructor(
    private readonly connection: BrokerConnection,
    topology: TopologyOptions,
    private readonly confirmTimeoutMs = 5000,
  ) {
    this.names = topology.names;
    this.channel = connection.createChannel({
      name: 'replay-publisher',
      confirm: true,
      setup: async (channel) => declareTopology(channel, topology),
    });
  }

  async publish(candidate: ReplayCandidate, type: OrderType): Promise<void> {
    if (!this.connection.isConnected()) throw new BrokerUnavailableError('message broker is not connected');
    const headers = Object.fromEntries(Object.entries(candidate.headers).filter(([name]) => !FAILURE_HEADERS.includes(name)));
    const { properties } = candidate;
    await this.channel.publish(this.names.ordersExchange, this.names.routingKeyFor(type), candidate.body, {
      persistent: true,
      messageId: properties.messageId,
      type: properties.type,
      contentType: properties.contentType,
      timestamp: properties.timestamp,
      correlationId: properties.correlationId,
      headers: { ...headers, [ORDER_HEADERS.attempt]: 1, [REPLAY_HEADERS.replayedFrom]: candidate.id },
      timeout: this.confirmTimeoutMs,
    });
  }

  async close(): Promise<void> {
    await this.connection.closeChannel('replay-publisher', this.channel);
  }
}
