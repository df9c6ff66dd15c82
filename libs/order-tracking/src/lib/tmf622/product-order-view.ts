import { OrderState, OrderType } from '@bss/contracts';
import { FINISHED_PRODUCT_ORDER_STATES, ItemIntakeOutcome, itemStateOf, ProductOrderItemState, ProductOrderState, productOrderStateOf } from './tmf622-states';

/** Where TMF622 v4 product orders live; their `href` is this path and their id. */
export const PRODUCT_ORDER_PATH = '/tmf-api/productOrderingManagement/v4/productOrder';

/** One item as stored: what the client sent (masked) and the order it became. */
export interface StoredProductOrderItem {
  readonly itemId: string;
  readonly orderId: string;
  readonly type: OrderType;
  /** The item's TMF attributes as sent (id, action, quantity, productOffering, product, …), masked. */
  readonly item: Readonly<Record<string, unknown>>;
  readonly intake: ItemIntakeOutcome;
}

/** A product order as stored: its client's TMF attributes (masked) and its items, in the order sent. */
export interface StoredProductOrder {
  readonly id: string;
  readonly clientId: string;
  readonly externalId?: string;
  /** The product order's own TMF attributes as sent (externalId, priority, relatedParty, note, …), masked. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly orderDate: string;
  readonly items: readonly StoredProductOrderItem[];
}

/** An item's order as the tracker knows it. */
export interface TrackedItemOrder {
  readonly state: OrderState;
  readonly stateAt: string;
}

export interface ProductOrderItemView extends Record<string, unknown> {
  readonly id: string;
  readonly state: ProductOrderItemState;
}

/** A TMF622 ProductOrder resource, as GET answers it and hub events carry it. */
export interface ProductOrderView extends Record<string, unknown> {
  readonly id: string;
  readonly href: string;
  readonly state: ProductOrderState;
  readonly orderDate: string;
  readonly completionDate?: string;
  readonly productOrderItem: readonly ProductOrderItemView[];
  readonly '@type': string;
}

export function productOrderHref(id: string): string {
  return `${PRODUCT_ORDER_PATH}/${id}`;
}

/**
 * The ProductOrder as its client sees it now: its items' states from their orders' tracked states, and
 * its own state aggregated from them. A finished one's completionDate is when its last item finished.
 */
export function productOrderView(order: StoredProductOrder, tracked: ReadonlyMap<string, TrackedItemOrder>): ProductOrderView {
  const items = order.items.map((item) => ({ item, state: itemStateOf(item.intake, tracked.get(item.orderId)?.state) }));
  const state = productOrderStateOf(items.map(({ state: itemState }) => itemState));
  const finishedAt = order.items.map((item) => tracked.get(item.orderId)?.stateAt).filter((at): at is string => at !== undefined).sort().pop();
  return {
    id: order.id,
    href: productOrderHref(order.id),
    ...order.fields,
    orderDate: order.orderDate,
    ...(FINISHED_PRODUCT_ORDER_STATES.includes(state) && finishedAt ? { completionDate: finishedAt } : {}),
    state,
    productOrderItem: items.map(({ item, state: itemState }) => ({
      ...item.item,
      id: item.itemId,
      state: itemState,
      '@type': typeof item.item['@type'] === 'string' ? item.item['@type'] : 'ProductOrderItem',
    })),
    '@type': typeof order.fields['@type'] === 'string' ? order.fields['@type'] : 'ProductOrder',
  };
}
