import { BrokerConnection, TopologyKeeper, TopologyOptions } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { DeadLetterLifecycle } from '../lifecycle/dead-letter-lifecycle';
import { DeadLetterStore } from '../store/dead-letter-store';
import { recordFromMessage } from './dead-letter-record';

const PREFETCH = 50;
const MAX_STORE_RETRY_DELAY_MS = 5000;

/**
 * Moves dead letters from the queue into the store: each message is acked only after its row is
 * committed, so a crash in between redelivers it and the store's dedup key absorbs the repeat.
 * When the database is down the message is kept unacked and the insert retried here: handing it back
 * to a quorum queue would count towards its delivery limit, after which the broker drops it.
 */
export class DeadLetterCollector {
  private channel?: ChannelWrapper;
  private consuming = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly topologyKeeper: TopologyKeeper;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly store: DeadLetterStore,
    private readonly topology: TopologyOptions,
    private readonly logger: Logger,
    private readonly lifecycle: DeadLetterLifecycle,
  ) {
    this.topologyKeeper = new TopologyKeeper(connection, topology, logger);
  }

  start(): void {
    const queue = this.topology.names.deadLetterQueue;
    this.channel = this.connection.createChannel({
      name: 'dead-letter-collector',
      confirm: false,
      setup: async (channel: ConfirmChannel) => {
        this.consuming = false;
        let open = true;
        channel.once('close', () => {
          open = false;
          this.consuming = false;
        });
        await this.topologyKeeper.afterConnect();
        await channel.prefetch(PREFETCH);
        await channel.consume(queue, (message) => message && this.track(this.collect(channel, message, () => open)), { noAck: false });
        this.consuming = true;
      },
    });
  }

  isConsuming(): boolean {
    return this.consuming && this.connection.isConnected();
  }

  /** Stops taking messages and waits for those being stored; unacked ones go back to the queue on close. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    if (this.channel) await this.connection.closeChannel('dead-letter-collector', this.channel);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Gives up on a closed channel: the broker redelivers the message on the next one. */
  private async collect(channel: ConfirmChannel, message: ConsumeMessage, channelOpen: () => boolean): Promise<void> {
    const record = recordFromMessage(message);
    for (let attempt = 0; !this.stopping && channelOpen(); attempt += 1) {
      try {
        const stored = await this.store.insert(record);
        channel.ack(message);
        this.lifecycle.collected(record);
        if (stored) this.logger.info({ orderId: record.orderId, type: record.orderType, reason: record.reason }, 'dead letter stored');
        return;
      } catch (error) {
        const delayMs = Math.min(MAX_STORE_RETRY_DELAY_MS, 100 * 2 ** attempt);
        this.logger.warn({ err: (error as Error).message, delayMs }, 'could not store a dead letter; retrying');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}
