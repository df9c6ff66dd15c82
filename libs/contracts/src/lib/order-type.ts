import { ORDER_TYPE_DEFINITIONS, OrderTypeDefinition } from './order-types';

type Definition = (typeof ORDER_TYPE_DEFINITIONS)[number];

export type OrderType = Definition['type'];

/** The payload class's instance type of each order type, known at compile time. */
export type PayloadOf<T extends OrderType> = InstanceType<Extract<Definition, { readonly type: T }>['payload']>;

/** The order types this BSS accepts, as the API, the queues and the processors name them. */
export const ORDER_TYPES: readonly OrderType[] = ORDER_TYPE_DEFINITIONS.map((definition) => definition.type);

const DEFINITIONS_BY_TYPE = new Map<string, OrderTypeDefinition<OrderType>>(ORDER_TYPE_DEFINITIONS.map((definition) => [definition.type, definition]));

export function definitionOf(type: OrderType): OrderTypeDefinition<OrderType> {
  const definition = DEFINITIONS_BY_TYPE.get(type);
  if (!definition) throw new Error(`unknown order type ${type}`);
  return definition;
}

export function isOrderType(value: unknown): value is OrderType {
  return typeof value === 'string' && DEFINITIONS_BY_TYPE.has(value);
}

/** Types arrive in any case from existing clients (`mnp`, `Mnp`); the canonical form is upper case. */
export function parseOrderType(value: unknown): OrderType | undefined {
  if (typeof value !== 'string') return undefined;
  const canonical = value.trim().toUpperCase();
  return isOrderType(canonical) ? canonical : undefined;
}
