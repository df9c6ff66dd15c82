import { FieldError, isPlainObject } from '@bss/contracts';
import { MappedItem, mapProductOrderItem } from './item-mapping';

/** A valid ProductOrder_Create: its own attributes, and its items mapped to our orders. */
export interface ParsedProductOrder {
  readonly externalId?: string;
  /** Every attribute but productOrderItem, as sent. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly items: readonly MappedItem[];
}

export type ParsedProductOrderResult = { ok: true; order: ParsedProductOrder } | { ok: false; errors: FieldError[] };

/** Attributes the server sets; TMF622's ProductOrder_Create leaves them out. */
const SERVER_SET = ['id', 'href', 'state', 'orderDate', 'completionDate', 'expectedCompletionDate'];

type Check = (value: unknown) => string | undefined;

const isText = (maxLength: number): Check => (value) =>
  typeof value === 'string' && value.length > 0 && value.length <= maxLength ? undefined : `must be a string of 1 to ${maxLength} characters`;
const isDateTime: Check = (value) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'must be an ISO-8601 date-time';
const isRef: Check = (value) => (isPlainObject(value) && typeof value['id'] === 'string' ? undefined : 'must be an object with an id');
const isNote: Check = (value) => (isPlainObject(value) && typeof value['text'] === 'string' ? undefined : 'must be an object with a text');
const listOf = (check: Check, what: string): Check => (value) =>
  Array.isArray(value) && value.every((entry) => check(entry) === undefined) ? undefined : `must be an array of ${what}`;

/** The ProductOrder attributes this provider keeps, each with its rule; the rest of TMF622's are refused as unsupported. */
const ATTRIBUTES: Record<string, Check> = {
  externalId: isText(128),
  priority: (value) => (typeof value === 'string' && /^[0-4]$/.test(value) ? undefined : 'must be "0" (highest) to "4" (lowest)'),
  category: isText(100),
  description: isText(1000),
  notificationContact: isText(200),
  requestedStartDate: isDateTime,
  requestedCompletionDate: isDateTime,
  relatedParty: listOf(isRef, 'RelatedParty objects with an id'),
  channel: listOf(isRef, 'RelatedChannel objects with an id'),
  billingAccount: isRef,
  note: listOf(isNote, 'Note objects with a text'),
  '@type': isText(100),
  '@baseType': isText(100),
  '@schemaLocation': isText(2048),
};

/**
 * Validates a TMF622 ProductOrder_Create and maps its items; every problem, of the order and of each
 * item, is named at once, so nothing of an order with a bad item is ever queued.
 */
export function parseProductOrder(body: unknown, maxItems: number): ParsedProductOrderResult {
  if (!isPlainObject(body)) return { ok: false, errors: [{ field: 'body', messages: ['must be a ProductOrder JSON object'] }] };
  const errors: FieldError[] = [];
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === 'productOrderItem') continue;
    if (SERVER_SET.includes(name)) errors.push({ field: name, messages: [`${name} is set by the server`] });
    else if (!ATTRIBUTES[name]) errors.push({ field: name, messages: [`${name} is not supported by this provider`] });
    else {
      const problem = ATTRIBUTES[name](value);
      if (problem) errors.push({ field: name, messages: [`${name} ${problem}`] });
      else fields[name] = value;
    }
  }
  const items = itemsOf(body['productOrderItem'], maxItems, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, order: { ...(typeof fields['externalId'] === 'string' ? { externalId: fields['externalId'] } : {}), fields, items } };
}

function itemsOf(raw: unknown, maxItems: number, errors: FieldError[]): MappedItem[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > maxItems) {
    errors.push({ field: 'productOrderItem', messages: [`productOrderItem must hold 1 to ${maxItems} items`] });
    return [];
  }
  const items: MappedItem[] = [];
  raw.forEach((item: unknown, index) => {
    const mapped = mapProductOrderItem(item, `productOrderItem[${index}]`);
    if (!mapped.ok) errors.push(...mapped.errors);
    else if (items.some((earlier) => earlier.itemId === mapped.item.itemId)) {
      errors.push({ field: `productOrderItem[${index}].id`, messages: [`item id ${mapped.item.itemId} is used twice`] });
    } else items.push(mapped.item);
  });
  return items;
}
