import { FieldError, isPlainObject, OrderType, parseOrderRequest } from '@bss/contracts';

export const ITEM_ACTIONS = ['add', 'modify', 'delete', 'noChange'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/**
 * Which of our order types a productOrderItem becomes, by its productOffering.id and action. The
 * catalogue offers two products: a mobile line and a number port-in (which creates a line moved from
 * another operator). Changing a line means changing its holder; deleting it terminates it.
 */
export const ITEM_MAPPING: readonly { readonly offering: string; readonly action: ItemAction; readonly type: OrderType }[] = [
  { offering: 'mobile-subscription', action: 'add', type: 'SUBSCRIPTION' },
  { offering: 'mobile-port-in', action: 'add', type: 'MNP' },
  { offering: 'mobile-subscription', action: 'modify', type: 'CHANGE' },
  { offering: 'mobile-subscription', action: 'delete', type: 'TERMINATION' },
];

/** Item ids become part of idempotency keys (`tmf622:<productOrderId>:<itemId>`, at most 128 long). */
export const ITEM_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

const ITEM_FIELDS = ['id', 'action', 'quantity', 'productOffering', 'product', '@type', '@baseType', '@schemaLocation'];

/** An item that maps to one of our orders, its payload validated by that type's contract. */
export interface MappedItem {
  readonly itemId: string;
  readonly type: OrderType;
  readonly payload: object;
  /** The item's TMF attributes as sent, kept for the ProductOrder the client reads back. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type MappedItemResult = { ok: true; item: MappedItem } | { ok: false; errors: FieldError[] };

/**
 * Maps one productOrderItem. The order's payload is the item's `product.productCharacteristic`, one
 * name/value pair per payload field; a dotted name (`newHolder.name`) or an object value fills a
 * nested one. It is validated as a v1 order of the mapped type, so both APIs accept exactly the same
 * orders; every problem is named under `field`.
 */
export function mapProductOrderItem(raw: unknown, field: string): MappedItemResult {
  if (!isPlainObject(raw)) return { ok: false, errors: [{ field, messages: ['must be a ProductOrderItem object'] }] };
  const errors: FieldError[] = Object.keys(raw)
    .filter((key) => !ITEM_FIELDS.includes(key))
    .map((key) => ({ field: `${field}.${key}`, messages: [`${key} is not supported on items by this provider`] }));
  const id = raw['id'];
  if (typeof id !== 'string' || !ITEM_ID_PATTERN.test(id)) errors.push({ field: `${field}.id`, messages: ['id must be 1 to 64 letters, digits or . _ : -'] });
  if (raw['quantity'] !== undefined && raw['quantity'] !== 1) errors.push({ field: `${field}.quantity`, messages: ['quantity must be 1: one item is one line'] });
  const type = mappedType(raw, field, errors);
  const payload = payloadOf(raw['product'], `${field}.product`, errors);
  if (!type || !payload || errors.length > 0) return { ok: false, errors };

  const parsed = parseOrderRequest({ type, payload });
  if (!parsed.ok) {
    return { ok: false, errors: parsed.errors.map((error) => ({ ...error, field: characteristicField(`${field}.product`, error.field) })) };
  }
  return { ok: true, item: { itemId: id as string, type, payload: parsed.request.payload, attributes: raw } };
}

function mappedType(raw: Record<string, unknown>, field: string, errors: FieldError[]): OrderType | undefined {
  const action = raw['action'];
  if (!(ITEM_ACTIONS as readonly unknown[]).includes(action)) {
    errors.push({ field: `${field}.action`, messages: [`action must be one of ${ITEM_ACTIONS.join(', ')}`] });
    return undefined;
  }
  if (action === 'noChange') {
    errors.push({ field: `${field}.action`, messages: ['noChange items order nothing: leave them out'] });
    return undefined;
  }
  const offering = raw['productOffering'];
  if (!isPlainObject(offering) || typeof offering['id'] !== 'string') {
    errors.push({ field: `${field}.productOffering`, messages: ['productOffering with an id is required'] });
    return undefined;
  }
  const rule = ITEM_MAPPING.find((candidate) => candidate.offering === offering['id'] && candidate.action === action);
  if (!rule) {
    const offered = ITEM_MAPPING.map((candidate) => `${candidate.action} ${candidate.offering}`).join(', ');
    errors.push({ field: `${field}.productOffering.id`, messages: [`${String(action)} ${offering['id']} is not offered; one of: ${offered}`] });
  }
  return rule?.type;
}

function payloadOf(product: unknown, field: string, errors: FieldError[]): Record<string, unknown> | undefined {
  const characteristics = isPlainObject(product) ? product['productCharacteristic'] : undefined;
  if (!Array.isArray(characteristics)) {
    errors.push({ field: `${field}.productCharacteristic`, messages: ['product.productCharacteristic, the name/value pairs of the order, is required'] });
    return undefined;
  }
  const payload: Record<string, unknown> = {};
  characteristics.forEach((characteristic: unknown, index) => {
    const at = `${field}.productCharacteristic[${index}]`;
    if (!isPlainObject(characteristic) || typeof characteristic['name'] !== 'string' || characteristic['name'] === '' || characteristic['value'] === undefined) {
      errors.push({ field: at, messages: ['a characteristic needs a name and a value'] });
      return;
    }
    if (!setPath(payload, characteristic['name'].split('.'), characteristic['value'])) {
      errors.push({ field: at, messages: [`${characteristic['name']} is given twice`] });
    }
  });
  return payload;
}

/** Sets `path` in `target`; false when something is already there. */
function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): boolean {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (head in target) return false;
    target[head] = value;
    return true;
  }
  const next = target[head] ?? {};
  if (!isPlainObject(next)) return false;
  target[head] = next;
  return setPath(next, rest, value);
}

/** `payload.newHolder.name` of the v1 contract is the characteristic `newHolder.name` of the item. */
function characteristicField(productField: string, payloadField: string): string {
  const name = payloadField.replace(/^payload\.?/, '');
  return name === '' ? `${productField}.productCharacteristic` : `${productField}.productCharacteristic[${name}]`;
}
