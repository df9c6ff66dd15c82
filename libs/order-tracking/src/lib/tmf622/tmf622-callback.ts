import { eventKeyOf } from '@bss/contracts';
import { createHash } from 'node:crypto';
import { CallbackRenderer } from '../order-tracking-store';
import { quotedSchema } from '../pg-transaction';
import { hubWants, parseHubQuery, PRODUCT_ORDER_STATE_CHANGE_EVENT } from './hub-query';
import { announceState, productOrderIdOf, productOrderViews } from './product-order-store';
import { ProductOrderState } from './tmf622-states';

/** The same announcement, to whichever hub, always has this id: a product order's n-th state change. */
export function productOrderEventIdOf(productOrderId: string, version: number, state: ProductOrderState): string {
  return createHash('sha256').update(`tmf622|${productOrderId}|${version}|${state}`).digest('hex').slice(0, 32);
}

/**
 * The renderer of 'tmf622' hubs. A change of an order made for a product order recomputes that product
 * order's state inside the tracker's transaction; only a change that moves it (or, for the client's
 * other hubs, the change that just did) is announced, as a TMF622 ProductOrderStateChangeEvent with
 * the whole ProductOrder. Each announcement's eventId is stable, so it is stored once per hub however
 * often the batch is applied. Deliveries are keyed by the product order's id, not the item's order
 * id, so that one product order's events reach a hub one at a time and in the order they happened.
 * The tables must exist (migrateTmf622) before a 'tmf622' hub does; producer-api creates both.
 */
export function tmf622CallbackRenderer(schema: string): CallbackRenderer {
  const quoted = quotedSchema(schema);
  return async (subscription, change, client) => {
    const productOrderId = await productOrderIdOf(client, quoted, change.event.orderId);
    if (!productOrderId) return undefined;
    const [productOrder] = await productOrderViews(client, quoted, [productOrderId]);
    if (!productOrder) return undefined;
    const version = await announceState(client, quoted, productOrderId, productOrder.state, eventKeyOf(change.event));
    if (version === undefined) return undefined;
    const query = parseHubQuery(subscription.query);
    if (!query.ok || !hubWants(query.filter, productOrder.state)) return undefined;
    const eventId = productOrderEventIdOf(productOrderId, version, productOrder.state);
    const body = {
      eventId,
      eventTime: change.event.at,
      eventType: PRODUCT_ORDER_STATE_CHANGE_EVENT,
      ...(change.event.correlationId ? { correlationId: change.event.correlationId } : {}),
      event: { productOrder },
    };
    return { subscriptionId: subscription.id, orderId: productOrderId, eventId, body: JSON.stringify(body) };
  };
}
