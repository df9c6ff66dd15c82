import { definitionOf, OrderType } from '@bss/contracts';

/**
 * Customers the simulated backend refuses on business grounds: ids starting with C999. A real
 * backend's reasons (bad credit, number not portable, ...) are outcomes for the order, not faults:
 * it answers 422 with the type's own reason (from its definition) and the processor records the
 * rejection instead of retrying.
 */
const REFUSED_CUSTOMER_PREFIX = 'C999';

export function businessRejection(type: OrderType, payload: unknown): string | undefined {
  const customerId = (payload as { customerId?: unknown } | null)?.customerId;
  return typeof customerId === 'string' && customerId.startsWith(REFUSED_CUSTOMER_PREFIX) ? definitionOf(type).businessRejection : undefined;
}
