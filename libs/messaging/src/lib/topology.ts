import { ORDER_TYPES, OrderType, TopologyNames, topologyNames } from '@bss/contracts';
import type { Channel } from 'amqplib';
import { DEFERRAL_DELAYS_MS } from './deferral-ladder';

/** The delay queues an app declares: a processor retries and defers orders, a publisher does neither. */
export interface DelayQueues {
  /** Delay steps of the retry schedule; 0 for an app that never retries (the producer). */
  readonly retrySteps: number;
  /** Whether to declare the deferral ladder (DEFERRAL_DELAYS_MS): apps that consume orders defer them. */
  readonly deferrals: boolean;
}

const NO_DELAY_QUEUES: DelayQueues = { retrySteps: 0, deferrals: false };

export interface TopologyOptions extends DelayQueues {
  readonly names: TopologyNames;
  /** Bound of each order queue; a publish past it is nacked (`reject-publish`). */
  readonly maxLength: number;
  /** Deliveries after which the broker itself dead-letters a message that keeps crashing its consumer. */
  readonly deliveryLimit: number;
  /** False where the topology is declared for the apps (Kubernetes), whose users may not configure it. */
  readonly declare: boolean;
  readonly types?: readonly OrderType[];
}

/**
 * Arguments of every per-type order queue. Quorum queues replicate and survive node loss; the
 * at-least-once dead-letter strategy needs `reject-publish`, which is also what turns a full queue
 * into a publisher nack (HTTP 503) instead of silently dropping the oldest orders.
 */
export function orderQueueArguments(options: Pick<TopologyOptions, 'names' | 'maxLength' | 'deliveryLimit'>): Record<string, unknown> {
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

/** Batches of lifecycle events the tracker's queue holds at most; see TRACKER_QUEUE_ARGUMENTS. */
export const TRACKER_QUEUE_MAX_BATCHES = 500_000;

/**
 * The tracker's queue. Tracking must never stop the pipeline: were the tracker down long enough to
 * fill its queue, the oldest batches are dropped (`drop-head`) rather than refusing the processors'
 * and intake's events, which would hold up orders. Half a million batches are hours of a full drain.
 */
export const TRACKER_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = {
  'x-queue-type': 'quorum',
  'x-max-length': TRACKER_QUEUE_MAX_BATCHES,
  'x-overflow': 'drop-head',
};

/**
 * A retry step's delay queue: nobody consumes it; each message waits out its own `expiration`
 * (the backoff, jitter included) and is then dead-lettered back to the orders exchange with its
 * original routing key, i.e. to the end of its type's queue. The arguments do not depend on the
 * schedule, so changing RETRY_BACKOFF_MS never conflicts with queues that already exist.
 *
 * RabbitMQ expires a message only once it is at the head of its queue, so a retry may wait behind an
 * earlier one of the same step whose jitter drew a longer delay — never past the longest delay of its
 * step, base × (1 + RETRY_JITTER_PERCENT / 100), since every message ahead of it was published earlier
 * with at most that delay. Each step has its queue, and deferrals have queues of their own, so
 * nothing of another length waits in front of it.
 */
export function retryQueueArguments(options: Pick<TopologyOptions, 'names'>): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-dead-letter-exchange': options.names.ordersExchange,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export interface ExchangeSpec {
  readonly name: string;
  readonly type: 'topic' | 'fanout';
}

export interface QueueSpec {
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

export interface BindingSpec {
  readonly exchange: string;
  readonly queue: string;
  readonly routingKey: string;
}

/** Every durable exchange, queue and binding of the topology, as data. */
export interface TopologyPlan {
  readonly exchanges: readonly ExchangeSpec[];
  readonly queues: readonly QueueSpec[];
  readonly bindings: readonly BindingSpec[];
}

/**
 * The topology as data: what apps declare at start-up and what the deployment renders as the
 * production broker's resources are this one plan, so the two cannot drift apart.
 */
export function topologyPlan(options: Omit<TopologyOptions, 'declare'>): TopologyPlan {
  const { names } = options;
  const exchanges: ExchangeSpec[] = [
    { name: names.ordersExchange, type: 'topic' },
    { name: names.deadLetterExchange, type: 'fanout' },
    { name: names.eventsExchange, type: 'topic' },
  ];
  const queues: QueueSpec[] = [
    { name: names.deadLetterQueue, arguments: DEAD_LETTER_QUEUE_ARGUMENTS },
    { name: names.trackerQueue, arguments: TRACKER_QUEUE_ARGUMENTS },
  ];
  const bindings: BindingSpec[] = [
    { exchange: names.deadLetterExchange, queue: names.deadLetterQueue, routingKey: '' },
    { exchange: names.eventsExchange, queue: names.trackerQueue, routingKey: '#' },
  ];
  for (let step = 1; step <= options.retrySteps; step += 1) {
    exchanges.push({ name: names.retryExchangeFor(step), type: 'fanout' });
    queues.push({ name: names.retryQueueFor(step), arguments: retryQueueArguments(options) });
    bindings.push({ exchange: names.retryExchangeFor(step), queue: names.retryQueueFor(step), routingKey: '' });
  }
  for (const delayMs of options.deferrals ? DEFERRAL_DELAYS_MS : []) {
    exchanges.push({ name: names.deferralExchangeFor(delayMs), type: 'fanout' });
    queues.push({ name: names.deferralQueueFor(delayMs), arguments: deferralQueueArguments(options, delayMs) });
    bindings.push({ exchange: names.deferralExchangeFor(delayMs), queue: names.deferralQueueFor(delayMs), routingKey: '' });
  }
  for (const type of options.types ?? ORDER_TYPES) {
    queues.push({ name: names.queueFor(type), arguments: orderQueueArguments(options) });
    bindings.push({ exchange: names.ordersExchange, queue: names.queueFor(type), routingKey: names.routingKeyFor(type) });
  }
  return { exchanges, queues, bindings };
}

/**
 * A deferral step's delay queue: a retry queue whose TTL is the queue's, the same for every message,
 * so messages expire in the order they arrived and none waits behind a longer delay. The TTL is in
 * the queue's name too (TopologyNames.deferralQueueFor), so a different step is a different queue and
 * never a conflicting redeclaration.
 */
export function deferralQueueArguments(options: Pick<TopologyOptions, 'names'>, delayMs: number): Record<string, unknown> {
  return { ...retryQueueArguments(options), 'x-message-ttl': delayMs };
}

/**
 * Declares exchanges, queues and bindings. Declaring is idempotent, so every app that publishes
 * or consumes runs this at start-up and after each reconnect; the first one creates, the rest confirm.
 * With `declare: false` it does nothing: someone with more rights owns the topology.
 */
export async function declareTopology(channel: Channel, options: TopologyOptions): Promise<void> {
  if (!options.declare) return;
  const plan = topologyPlan(options);
  for (const exchange of plan.exchanges) await channel.assertExchange(exchange.name, exchange.type, { durable: true });
  for (const queue of plan.queues) await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
  for (const binding of plan.bindings) await channel.bindQueue(binding.queue, binding.exchange, binding.routingKey);
}

/** The topology settings as the apps' configuration names them. */
export interface TopologySettings {
  readonly QUEUE_NAME: string;
  readonly QUEUE_MAX_LENGTH: number;
  readonly QUEUE_DELIVERY_LIMIT: number;
  readonly DECLARE_TOPOLOGY: boolean;
}

export function topologyFromSettings(settings: TopologySettings, delayQueues: DelayQueues = NO_DELAY_QUEUES): TopologyOptions {
  return {
    names: topologyNames(settings.QUEUE_NAME),
    maxLength: settings.QUEUE_MAX_LENGTH,
    deliveryLimit: settings.QUEUE_DELIVERY_LIMIT,
    ...delayQueues,
    declare: settings.DECLARE_TOPOLOGY,
  };
}
