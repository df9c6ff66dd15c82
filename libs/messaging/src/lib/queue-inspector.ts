import { BrokerConnection } from './broker-connection';

export interface QueueDepth {
  readonly queue: string;
  /** Ready messages (not yet delivered); AMQP's queue.declare-ok does not count unacked ones. */
  readonly messages: number;
  readonly consumers: number;
  readonly exists: boolean;
}

/** Reads depth and consumer count of each queue through passive declares on a throwaway channel each. */
export async function inspectQueues(connection: BrokerConnection, queues: readonly string[]): Promise<QueueDepth[]> {
  return Promise.all(
    queues.map((queue) =>
      connection
        .withTemporaryChannel(async (channel) => {
          const { messageCount, consumerCount } = await channel.checkQueue(queue);
          return { queue, messages: messageCount, consumers: consumerCount, exists: true };
        })
        .catch(() => ({ queue, messages: 0, consumers: 0, exists: false })),
    ),
  );
}
