import { eventKeyOf } from '@bss/contracts';
import { createHash } from 'node:crypto';
import { CallbackDeliveryRow, CallbackFormat, CallbackSubscription } from './callback-store';
import { CallbackRenderer, StateChange } from './order-tracking-store';

export const ORDER_STATE_EVENT_TYPE = 'OrderStateChanged';

/** A stable id for one change: the same transition recorded twice gets the same id. */
export function changeIdOf(change: StateChange): string {
  return createHash('sha256').update(eventKeyOf(change.event)).digest('hex').slice(0, 32);
}

/** The body our own callbacks carry: the order's new state, as the lookup would show it. */
export function renderOrderStateCallback(subscription: CallbackSubscription, change: StateChange): CallbackDeliveryRow {
  const { event } = change;
  const eventId = changeIdOf(change);
  const body = {
    eventId,
    eventType: ORDER_STATE_EVENT_TYPE,
    eventTime: event.at,
    order: {
      orderId: event.orderId,
      type: event.type,
      state: event.state,
      stateAt: event.at,
      attempt: event.progress.attempt,
      generation: event.progress.generation,
      ...(event.detail ? { detail: withoutSummary(event.detail) } : {}),
      ...(change.idempotencyKey ? { idempotencyKey: change.idempotencyKey } : {}),
      ...(event.correlationId ? { correlationId: event.correlationId } : {}),
    },
  };
  return { subscriptionId: subscription.id, orderId: event.orderId, eventId, body: JSON.stringify(body) };
}

/** One renderer over several formats: each subscription gets the body of its format. */
export function renderByFormat(renderers: Partial<Record<CallbackFormat, CallbackRenderer>>): CallbackRenderer {
  return (subscription, change, client) => renderers[subscription.format]?.(subscription, change, client);
}

function withoutSummary(detail: NonNullable<StateChange['event']['detail']>): Record<string, unknown> {
  const { summary: _summary, ...rest } = detail;
  return rest;
}
