import { ORDER_TYPES, OrderType, TopologyNames, topologyNames } from '@bss/contracts';
import type { Channel } from 'amqplib';
import { DEFERRAL_DELAYS_MS } from './deferral-ladder';
import { ManagementClient, vhostOf } from './management-client';

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
  /** Sets the topology's policies (deliveryLimitPolicies) once it is declared; without it nobody does here. */
  readonly policies?: TopologyPolicyWriter;
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

/** A broker policy as the management API and the Messaging Topology Operator take it. */
export interface PolicySpec {
  readonly name: string;
  readonly pattern: string;
  readonly 'apply-to': 'queues';
  readonly priority: number;
  readonly definition: Readonly<Record<string, unknown>>;
}

/**
 * Above the default 0 of an operator's catch-all policy, so ours is the one that applies to these
 * queues (a queue takes one policy: the highest priority); an operator policy of its own for them
 * must carry `delivery-limit: -1` too.
 */
export const DELIVERY_LIMIT_POLICY_PRIORITY = 10;

/**
 * The queues of ours with no delivery limit on purpose: the dead letters and the tracker's events
 * are the end of the line (no dead-letter exchange), and the retry and deferral queues have no
 * consumer. RabbitMQ 4.x gives every quorum queue a delivery limit of 20 and drops a message past
 * it when the queue has no dead-letter exchange, so a dead-letter collector or tracker that
 * crash-loops (PostgreSQL down) would lose what it holds. A policy, not a queue argument, because
 * an existing queue's arguments cannot change and a policy applies to it at once. 3.10 has no such
 * default (and refuses -1), so there it needs none. The order queues carry their limit as a queue
 * argument (QUEUE_DELIVERY_LIMIT), ending in the dead-letter queue past it.
 */
export function deliveryLimitPolicies(names: TopologyNames, brokerVersion: string): PolicySpec[] {
  if (Number.parseInt(brokerVersion, 10) < 4) return [];
  const exact = [names.deadLetterQueue, names.trackerQueue].map(escapeRegExp);
  // The shapes of retryQueueFor(step) and deferralQueueFor(delayMs), for every step and delay.
  const numbered = [`${escapeRegExp(`${names.prefix}.retry.`)}[0-9]+`, `${escapeRegExp(`${names.prefix}.deferral.`)}[0-9]+ms`];
  return [
    {
      name: `${names.prefix}.no-delivery-limit`,
      pattern: `^(${[...exact, ...numbered].join('|')})$`,
      'apply-to': 'queues',
      priority: DELIVERY_LIMIT_POLICY_PRIORITY,
      definition: { 'delivery-limit': -1 },
    },
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

/** Writes the policies a topology needs on the broker it is declared on. */
export interface TopologyPolicyWriter {
  apply(names: TopologyNames): Promise<readonly PolicySpec[]>;
}

/**
 * Policies go through the management API (AMQP cannot set them), for the broker version it reports.
 * The publisher, consumer and event publisher of one app share the writer: they get one write, not
 * one each; a write that failed is tried again by the next caller.
 */
export class ManagementPolicyWriter implements TopologyPolicyWriter {
  private written?: Promise<readonly PolicySpec[]>;

  constructor(private readonly management: ManagementClient) {}

  apply(names: TopologyNames): Promise<readonly PolicySpec[]> {
    this.written ??= this.write(names).catch((error: unknown) => {
      this.written = undefined;
      throw error;
    });
    return this.written;
  }

  private async write(names: TopologyNames): Promise<readonly PolicySpec[]> {
    const policies = deliveryLimitPolicies(names, await this.management.brokerVersion());
    for (const policy of policies) await this.management.putPolicy(policy);
    return policies;
  }
}

/** The topology settings as the apps' configuration names them. */
export interface TopologySettings {
  readonly QUEUE_NAME: string;
  readonly QUEUE_MAX_LENGTH: number;
  readonly QUEUE_DELIVERY_LIMIT: number;
  readonly DECLARE_TOPOLOGY: boolean;
  /** With both, an app that declares the topology also sets its policies. */
  readonly RABBITMQ_URL?: readonly string[];
  readonly RABBITMQ_MANAGEMENT_URL?: readonly string[];
}

export function topologyFromSettings(settings: TopologySettings, delayQueues: DelayQueues = NO_DELAY_QUEUES): TopologyOptions {
  const { RABBITMQ_URL: amqpUrls, RABBITMQ_MANAGEMENT_URL: managementUrls } = settings;
  const writesPolicies = settings.DECLARE_TOPOLOGY && amqpUrls?.length && managementUrls?.length;
  return {
    names: topologyNames(settings.QUEUE_NAME),
    maxLength: settings.QUEUE_MAX_LENGTH,
    deliveryLimit: settings.QUEUE_DELIVERY_LIMIT,
    ...delayQueues,
    declare: settings.DECLARE_TOPOLOGY,
    ...(writesPolicies ? { policies: new ManagementPolicyWriter(new ManagementClient(managementUrls, vhostOf(amqpUrls[0]))) } : {}),
  };
}
