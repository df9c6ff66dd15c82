import { OrderState } from '@bss/contracts';

/** TMF622 v4 ProductOrderStateType. */
export const PRODUCT_ORDER_STATES = [
  'acknowledged',
  'rejected',
  'pending',
  'held',
  'inProgress',
  'cancelled',
  'completed',
  'failed',
  'partial',
  'assessingCancellation',
  'pendingCancellation',
] as const;
export type ProductOrderState = (typeof PRODUCT_ORDER_STATES)[number];

/** TMF622 v4 ProductOrderItemStateType: the order's states but `partial`. */
export type ProductOrderItemState = Exclude<ProductOrderState, 'partial'>;

/** What producer-api knows of an item's publication: the broker's confirm, a refusal, no answer, or not yet sent. */
export const ITEM_INTAKE_OUTCOMES = ['sending', 'accepted', 'refused', 'unknown'] as const;
export type ItemIntakeOutcome = (typeof ITEM_INTAKE_OUTCOMES)[number];

/**
 * Our order states as TMF622 item states. Waiting in a queue is `acknowledged` (accepted, not yet
 * worked on); every retry, deferral or replay is still `inProgress`; a dead letter is `held`, since
 * an operator may still replay it; a purged dead letter will never be applied, so it `failed`.
 */
export const ITEM_STATE_OF: Readonly<Record<OrderState, ProductOrderItemState>> = {
  accepted: 'acknowledged',
  queued: 'acknowledged',
  'in-progress': 'inProgress',
  retrying: 'inProgress',
  deferred: 'inProgress',
  replayed: 'inProgress',
  pending: 'pending',
  applied: 'completed',
  rejected: 'failed',
  'dead-lettered': 'held',
  purged: 'failed',
};

/**
 * An item's state: its order's tracked state once the tracker knows it. Before that it is what intake
 * saw: confirmed (or still being sent) is `acknowledged`; refused or unconfirmed is `pending`, waiting
 * for the client to resend the product order.
 */
export function itemStateOf(intake: ItemIntakeOutcome, tracked: OrderState | undefined): ProductOrderItemState {
  if (tracked) return ITEM_STATE_OF[tracked];
  return intake === 'accepted' || intake === 'sending' ? 'acknowledged' : 'pending';
}

const OPEN_ITEM_STATES: readonly ProductOrderItemState[] = ['acknowledged', 'inProgress', 'pending'];

/**
 * A product order's state from its items' states, in this order of rules:
 * all completed → completed; all acknowledged → acknowledged; while any item is open (acknowledged,
 * inProgress, pending): inProgress if any is inProgress, else pending if any is pending, else
 * inProgress (some items are done, the rest wait in the queue); once none is open: held if any is
 * held (an operator may replay it), failed if all failed, partial otherwise (some completed, some failed).
 */
export function productOrderStateOf(items: readonly ProductOrderItemState[]): ProductOrderState {
  const all = (state: ProductOrderItemState) => items.every((item) => item === state);
  const any = (state: ProductOrderItemState) => items.includes(state);
  if (all('completed')) return 'completed';
  if (all('acknowledged')) return 'acknowledged';
  if (items.some((item) => OPEN_ITEM_STATES.includes(item))) {
    if (any('inProgress')) return 'inProgress';
    return any('pending') ? 'pending' : 'inProgress';
  }
  if (any('held')) return 'held';
  return all('failed') ? 'failed' : 'partial';
}

/** States after which nothing more happens to the product order: it has a completionDate. */
export const FINISHED_PRODUCT_ORDER_STATES: readonly ProductOrderState[] = ['completed', 'failed', 'partial'];

export function isProductOrderState(value: unknown): value is ProductOrderState {
  return (PRODUCT_ORDER_STATES as readonly unknown[]).includes(value);
}
