import { OrderType } from '@bss/contracts';
import { StoredCount } from '../store/dead-letter';
import { TrackingReading } from './backlog';

/** Where a type's arrival and drain rates came from. */
export type RateSource = 'processors' | 'management';

export interface QueuePoint {
  readonly ready: number;
  /** Ready as read over AMQP at this sample; undefined when only the management API answered. */
  readonly liveReady?: number;
  readonly unacked: number;
  readonly consumers: number;
  readonly published?: number;
  readonly acked?: number;
}

/** A queue's depth as the console shows it: ready + unacked. */
export function depthOf(queue: QueuePoint | undefined): number {
  return queue ? queue.ready + queue.unacked : 0;
}

export interface Point {
  readonly at: number;
  readonly queues: ReadonlyMap<string, QueuePoint>;
  readonly backendRate: ReadonlyMap<string, number>;
  readonly retryRate: ReadonlyMap<string, number>;
  readonly budget: ReadonlyMap<string, number>;
  readonly learnedLimit: ReadonlyMap<string, number>;
  readonly stored: readonly StoredCount[];
  readonly tracking: TrackingReading;
  /** Computed when sampled, so that an overview request only reads them. */
  readonly flows: ReadonlyMap<OrderType, Flow>;
}

export interface Flow {
  readonly arrivalRate: number | null;
  readonly drainRate: number | null;
  readonly source: RateSource | null;
}
