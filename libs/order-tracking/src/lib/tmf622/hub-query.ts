import { isProductOrderState, ProductOrderState } from './tmf622-states';

/** The one event type the hub sends. */
export const PRODUCT_ORDER_STATE_CHANGE_EVENT = 'ProductOrderStateChangeEvent';

/** What a hub asked for in its `query`; no states means every state. */
export interface HubFilter {
  readonly states?: readonly ProductOrderState[];
}

export type ParsedHubQuery = { ok: true; filter: HubFilter } | { ok: false; problem: string };

const STATE_KEYS = ['state', 'event.productOrder.state'];

/**
 * A hub's `query` in TMF630's form, `eventType=ProductOrderStateChangeEvent&event.productOrder.state=completed,failed`
 * (a leading `?` and spaces around `=` are allowed, a value may list several, comma-separated). Only
 * `eventType` and the product order's `state` (also as `state=`) are understood; anything else is
 * refused at registration rather than ignored, so a hub is never sent what it filtered out.
 */
export function parseHubQuery(query: string | undefined): ParsedHubQuery {
  const text = (query ?? '').trim().replace(/^\?/, '');
  if (text === '') return { ok: true, filter: {} };
  const states: ProductOrderState[] = [];
  for (const part of text.split('&')) {
    const [rawKey, ...rest] = part.split('=');
    const key = rawKey.trim();
    const values = rest
      .join('=')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (values.length === 0) return { ok: false, problem: `query: ${key || part} has no value` };
    if (key === 'eventType') {
      const other = values.find((value) => value !== PRODUCT_ORDER_STATE_CHANGE_EVENT);
      if (other) return { ok: false, problem: `query: this hub sends ${PRODUCT_ORDER_STATE_CHANGE_EVENT} only, not ${other}` };
    } else if (STATE_KEYS.includes(key)) {
      const unknown = values.find((value) => !isProductOrderState(value));
      if (unknown) return { ok: false, problem: `query: ${unknown} is not a ProductOrder state` };
      states.push(...(values as ProductOrderState[]));
    } else {
      return { ok: false, problem: `query: ${key} cannot be filtered on; use eventType and/or event.productOrder.state` };
    }
  }
  return { ok: true, filter: states.length > 0 ? { states } : {} };
}

export function hubWants(filter: HubFilter, state: ProductOrderState): boolean {
  return !filter.states || filter.states.includes(state);
}
