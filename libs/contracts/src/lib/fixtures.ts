import { ORDER_TYPE_DEFINITIONS } from './order-types';
import { OrderType } from './order-type';

/** Each type's example payload (from its definition): documentation by example, and the seed of tests and load. */
export const EXAMPLE_PAYLOADS = Object.fromEntries(ORDER_TYPE_DEFINITIONS.map((definition) => [definition.type, definition.example])) as Readonly<
  Record<OrderType, Readonly<Record<string, unknown>>>
>;
