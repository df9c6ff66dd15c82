import { ORDER_TYPES, OrderType } from './order-type';
import { ORDER_TYPE_DEFINITIONS } from './order-types';

export const DEFAULT_TOPOLOGY_PREFIX = 'bss.orders';

/**
 * Every broker name of the topology, derived from one prefix so that a test run (or a second
 * installation on a shared broker) can own a disjoint set of exchanges and queues.
 */
export interface TopologyNames {
  readonly prefix: string;
  /** Topic exchange all orders are published to, keyed `order.<type>`. */
  readonly ordersExchange: string;
  /** Fanout exchange that routes every dead letter to the dead-letter queue. */
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
  /** Topic exchange of order lifecycle events (batches of them), keyed by the publishing role. */
  readonly eventsExchange: string;
  /** The order tracker's queue of lifecycle events. */
  readonly trackerQueue: string;
  queueFor(type: OrderType): string;
  routingKeyFor(type: OrderType): string;
  /** Fanout exchange and delay queue of retry step `step` (1-based); the queue dead-letters back to the orders exchange. */
  retryExchangeFor(step: number): string;
  retryQueueFor(step: number): string;
  /**
   * Fanout exchange and delay queue of the deferral step that waits `delayMs`; the queue dead-letters
   * back to the orders exchange. The delay is in the name because it is also in the queue's arguments
   * (its TTL), which a declared queue can never change: another delay is another queue.
   */
  deferralExchangeFor(delayMs: number): string;
  deferralQueueFor(delayMs: number): string;
}

export function topologyNames(prefix: string = DEFAULT_TOPOLOGY_PREFIX): TopologyNames {
  return {
    prefix,
    ordersExchange: prefix,
    deadLetterExchange: `${prefix}.dlx`,
    deadLetterQueue: `${prefix}.dead`,
    eventsExchange: `${prefix}.events`,
    trackerQueue: `${prefix}.events.tracker`,
    queueFor: (type) => `${prefix}.${type.toLowerCase()}`,
    routingKeyFor: (type) => `order.${type.toLowerCase()}`,
    retryExchangeFor: (step) => `${prefix}.retry.${step}`,
    retryQueueFor: (step) => `${prefix}.retry.${step}`,
    deferralExchangeFor: (delayMs) => deferralName(prefix, delayMs),
    deferralQueueFor: (delayMs) => deferralName(prefix, delayMs),
  };
}

function deferralName(prefix: string, delayMs: number): string {
  if (!Number.isSafeInteger(delayMs) || delayMs <= 0) throw new RangeError(`a deferral delay is a positive whole number of ms, not ${delayMs}`);
  return `${prefix}.deferral.${delayMs}ms`;
}

export function allOrderQueues(names: TopologyNames): string[] {
  return ORDER_TYPES.map((type) => names.queueFor(type));
}

/** The downstream backend's resource per order type (its API, which processors call). */
export const BACKEND_RESOURCES = Object.fromEntries(ORDER_TYPE_DEFINITIONS.map((definition) => [definition.type, definition.backendResource])) as Readonly<
  Record<OrderType, string>
>;

export function orderTypeOfBackendResource(resource: string): OrderType | undefined {
  return ORDER_TYPES.find((type) => BACKEND_RESOURCES[type] === resource);
}
