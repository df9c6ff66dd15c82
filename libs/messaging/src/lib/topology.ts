import { ORDER_TYPES, OrderType, TopologyNames, topologyNames } from '@bss/contracts';
import type { Channel } from 'amqplib';

export interface TopologyOptions {
  readonly names: TopologyNames;
  /** Bound of each order queue; a publish past it is nacked (`reject-publish`). */
  readonly maxLength: number;
  /** Deliveries after which the broker itself dead-letters a message that keeps crashing its consumer. */
  readonly deliveryLimit: number;
  /** Delay steps of the retry schedule; 0 for an app that never retries (the producer). */
  readonly retrySteps: number;
  /** False where the topology is declared for the apps (Kubernetes), whose users may not configure it. */
  readonly declare: boolean;
  readonly types?: readonly OrderType[];
}

/**
 * Arguments of every per-type order queue. Quorum queues replicate and survive node loss; the
 * at-least-once dead-letter strategy needs `reject-publish`, which is also what turns a full queue
 * into a publisher nack (HTTP 503) instead of silently dropping the oldest orders.
 */
export function orderQueueArguments(options: TopologyOptions): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-max-length': options.maxLength,
    'x-overflow': 'reject-publish',
    'x-dead-letter-exchange': options.names.deadLetterExchange,
    'x-dead-letter-strategy': 'at-least-once',
    'x-delivery-limit': options.deliveryLimit,
  };
}

export const DEAD_LETTER_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = { 'x-queue-type': 'quorum' };

/**
 * A retry step's delay queue: nobody consumes it; each message waits out its own `expiration`
 * (the backoff, jitter included) and is then dead-lettered back to the orders exchange with its
 * original routing key, i.e. to the end of its type's queue. The arguments do not depend on the
 * schedule, so changing RETRY_BACKOFF_MS never conflicts with queues that already exist.
 */
export function retryQueueArguments(options: TopologyOptions): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-dead-letter-exchange': options.names.ordersExchange,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/**
 * Declares exchanges, queues and bindings. Declaring is idempotent, so every app that publishes
 * or consumes runs this at start-up and after each reconnect; the first one creates, the rest confirm.
 * With `declare: false` it does nothing: someone with more rights owns the topology.
 */
export async function declareTopology(channel: Channel, options: TopologyOptions): Promise<void> {
  if (!options.declare) return;
  const { names } = options;
  await channel.assertExchange(names.ordersExchange, 'topic', { durable: true });
  await channel.assertExchange(names.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(names.deadLetterQueue, { durable: true, arguments: DEAD_LETTER_QUEUE_ARGUMENTS });
  await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, '');
  for (let step = 1; step <= options.retrySteps; step += 1) {
    await channel.assertExchange(names.retryExchangeFor(step), 'fanout', { durable: true });
    await channel.assertQueue(names.retryQueueFor(step), { durable: true, arguments: retryQueueArguments(options) });
    await channel.bindQueue(names.retryQueueFor(step), names.retryExchangeFor(step), '');
  }
  for (const type of options.types ?? ORDER_TYPES) {
    const queue = names.queueFor(type);
    await channel.assertQueue(queue, { durable: true, arguments: orderQueueArguments(options) });
    await channel.bindQueue(queue, names.ordersExchange, names.routingKeyFor(type));
  }
}

/** The topology settings as the apps' configuration names them. */
export interface TopologySettings {
  readonly QUEUE_NAME: string;
  readonly QUEUE_MAX_LENGTH: number;
  readonly QUEUE_DELIVERY_LIMIT: number;
  readonly DECLARE_TOPOLOGY: boolean;
}

export function topologyFromSettings(settings: TopologySettings, retrySteps = 0): TopologyOptions {
  return {
    names: topologyNames(settings.QUEUE_NAME),
    maxLength: settings.QUEUE_MAX_LENGTH,
    deliveryLimit: settings.QUEUE_DELIVERY_LIMIT,
    retrySteps,
    declare: settings.DECLARE_TOPOLOGY,
  };
}
