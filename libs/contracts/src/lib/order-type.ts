/**
 * The order types this BSS accepts. The list is the single source every other place derives from:
 * the API's accepted types, the queues and bindings, the processors' routing.
 */
export const ORDER_TYPES = ['SUBSCRIPTION', 'MNP', 'CHANGE', 'TERMINATION'] as const;

export type OrderType = (typeof ORDER_TYPES)[number];

export function isOrderType(value: unknown): value is OrderType {
  return typeof value === 'string' && (ORDER_TYPES as readonly string[]).includes(value);
}

/** Types arrive in any case from existing clients (`mnp`, `Mnp`); the canonical form is upper case. */
export function parseOrderType(value: unknown): OrderType | undefined {
  if (typeof value !== 'string') return undefined;
  const canonical = value.trim().toUpperCase();
  return isOrderType(canonical) ? canonical : undefined;
}
