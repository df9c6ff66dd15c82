import type { Channel } from 'amqplib';
import { BrokerConnection } from './broker-connection';

export interface QueueDepth {
  readonly queue: string;
  /** Ready messages (not yet delivered); AMQP's queue.declare-ok does not count unacked ones. */
  readonly messages: number;
  readonly consumers: number;
  readonly exists: boolean;
}

/**
 * Reads depth and consumer count of each queue through passive declares, all on one throwaway
 * channel. A missing queue makes the broker close that channel, so the queues after it are read
 * on a fresh one.
 */
export async function inspectQueues(connection: BrokerConnection, queues: readonly string[]): Promise<QueueDepth[]> {
  const depths: QueueDepth[] = [];
  while (depths.length < queues.length) {
    const pending = queues.slice(depths.length);
    depths.push(...(await connection.withTemporaryChannel((channel) => checkUntilMissing(channel, pending)).catch(() => pending.map(missing))));
  }
  return depths;
}

/** Depths of the queues in order, up to and including the first one that does not exist. */
async function checkUntilMissing(channel: Channel, queues: readonly string[]): Promise<QueueDepth[]> {
  const depths: QueueDepth[] = [];
  for (const queue of queues) {
    try {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      depths.push({ queue, messages: messageCount, consumers: consumerCount, exists: true });
    } catch {
      depths.push(missing(queue));
      break;
    }
  }
  return depths;
}

function missing(queue: string): QueueDepth {
  return { queue, messages: 0, consumers: 0, exists: false };
}
