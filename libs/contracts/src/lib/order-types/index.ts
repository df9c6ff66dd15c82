import { CHANGE_ORDER_TYPE } from './change.order-type';
import { MNP_ORDER_TYPE } from './mnp.order-type';
import { SUBSCRIPTION_ORDER_TYPE } from './subscription.order-type';
import { TERMINATION_ORDER_TYPE } from './termination.order-type';

export * from './define-order-type';
export * from './change.order-type';
export * from './mnp.order-type';
export * from './subscription.order-type';
export * from './termination.order-type';

/**
 * Every order type this BSS accepts: the one list the registries, the routing, the topology and the
 * deployment are derived from. `nx g @bss/tools:processor <type>` adds an entry.
 */
export const ORDER_TYPE_DEFINITIONS = [SUBSCRIPTION_ORDER_TYPE, MNP_ORDER_TYPE, CHANGE_ORDER_TYPE, TERMINATION_ORDER_TYPE] as const;
