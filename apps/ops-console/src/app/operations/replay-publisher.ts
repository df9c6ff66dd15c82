import { ORDER_HEADERS, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerConnection, ConfirmedPublisher, DEAD_LETTER_HEADERS, orderPublishOptions, TopologyOptions } from '@bss/messaging';
import { replaysOf } from '../lifecycle/dead-letter-lifecycle';
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
 * order properties (orderPublishOptions, as every republish), correlation id kept, a fresh attempt
 * count, its replays counted (its next generation), and the dead letter it came from. It publishes through the same ConfirmedPublisher as
 * intake, so a replay is confirmed, refused (nothing sent) or of unknown outcome exactly as an order
 * is, and never on a blocked connection.
 */
export class ReplayPublisher {
  private readonly publisher: ConfirmedPublisher;
  private readonly names: TopologyNames;

  /** `connection` is the replays' own, closed with the publisher. */
  constructor(
    private readonly connection: BrokerConnection,
    topology: TopologyOptions,
    confirmTimeoutMs = 5000,
  ) {
    this.names = topology.names;
    this.publisher = new ConfirmedPublisher(connection, { topology, confirmTimeoutMs, channelName: 'replay-publisher' });
  }

  async publish(candidate: ReplayCandidate, type: OrderType): Promise<void> {
    const { properties } = candidate;
    if (!properties.messageId) throw new Error('the dead letter has no message id, so it is no order that can be replayed');
    const headers = Object.fromEntries(Object.entries(candidate.headers).filter(([name]) => !FAILURE_HEADERS.includes(name)));
    await this.publisher.publish({
      routingKey: this.names.routingKeyFor(type),
      queue: this.names.queueFor(type),
      content: candidate.body,
      properties: orderPublishOptions(properties, {
        headers: {
          ...headers,
          [ORDER_HEADERS.attempt]: 1,
          [ORDER_HEADERS.replays]: replaysOf(candidate.headers) + 1,
          [REPLAY_HEADERS.replayedFrom]: candidate.id,
        },
      }),
    });
  }

  async close(): Promise<void> {
    await this.publisher.close();
    await this.connection.close();
  }
}
