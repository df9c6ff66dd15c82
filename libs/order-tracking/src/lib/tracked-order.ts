import { FINAL_STATES, OrderEventDetail, OrderState, OrderType } from '@bss/contracts';

/** One entry of an order's timeline: a state it entered, when, and at which attempt. */
export interface TimelineEntry {
  readonly state: OrderState;
  readonly at: string;
  readonly attempt: number;
  readonly generation: number;
  readonly detail?: OrderEventDetail;
}

/** An order as the tracker knows it: its current state and its whole timeline, earliest first. */
export interface TrackedOrder {
  readonly orderId: string;
  readonly type: OrderType;
  readonly state: OrderState;
  /** When it entered its current state. */
  readonly stateAt: string;
  /** True once nothing more happens to it unless an operator steps in. */
  readonly final: boolean;
  readonly attempt: number;
  readonly detail?: OrderEventDetail;
  readonly clientId?: string;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly acceptedAt?: string;
  /** The order's payload as accepted, personal data masked. */
  readonly summary?: Record<string, unknown>;
  readonly timeline: readonly TimelineEntry[];
}

export function isFinalState(state: OrderState): boolean {
  return FINAL_STATES.includes(state);
}

/** What a client sees of its order: everything but whose it is. */
export function clientViewOf(order: TrackedOrder): Omit<TrackedOrder, 'clientId'> {
  const { clientId: _clientId, ...view } = order;
  return view;
}
