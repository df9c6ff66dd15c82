import { allOrderQueues, TopologyNames } from '@bss/contracts';
import { BrokerConnection, inspectQueues, orderQueueArguments } from '@bss/messaging';
import { ProducerConfig } from '../producer-config';

/** The seed named its one queue; ours are one per type under the prefix, so the name is the pattern they share. */
export function seedQueueName(names: TopologyNames): string {
  return `${names.prefix}.*`;
}

/**
 * The seed's `큐설정` of its one classic queue, told of our per-type queues (all declared alike).
 * `TTL` is null because no order queue expires its messages: an accepted order must never vanish unprocessed.
 */
export function seedQueueSettings(names: TopologyNames, config: ProducerConfig) {
  const queueArguments = orderQueueArguments({ names, maxLength: config.QUEUE_MAX_LENGTH, deliveryLimit: config.QUEUE_DELIVERY_LIMIT });
  return {
    큐이름: seedQueueName(names),
    // declareTopology declares every queue durable, and none auto-delete or exclusive.
    내구성: true,
    자동삭제: false,
    배타적: false,
    TTL: (queueArguments['x-message-ttl'] as number | undefined) ?? null,
    큐타입: queueArguments['x-queue-type'],
    최대길이: queueArguments['x-max-length'],
    전달한도: queueArguments['x-delivery-limit'],
  };
}

/** No broker connection, so no queue can be read. */
export class QueueStatusUnavailableError extends Error {
  constructor() {
    super('큐 상태 조회 실패: 메시지 브로커에 연결되어 있지 않습니다');
    this.name = 'QueueStatusUnavailableError';
  }
}

/** The seed's queue status, summed over the per-type queues, with each queue beside the sums. */
export async function readSeedQueueStatus(connection: BrokerConnection, names: TopologyNames) {
  if (!connection.isConnected()) throw new QueueStatusUnavailableError();
  const depths = await inspectQueues(connection, allOrderQueues(names));
  return {
    큐이름: seedQueueName(names),
    메시지개수: depths.reduce((sum, depth) => sum + depth.messages, 0),
    소비자개수: depths.reduce((sum, depth) => sum + depth.consumers, 0),
    큐목록: depths.map((depth) => ({ 큐이름: depth.queue, 메시지개수: depth.messages, 소비자개수: depth.consumers, 존재: depth.exists })),
  };
}
