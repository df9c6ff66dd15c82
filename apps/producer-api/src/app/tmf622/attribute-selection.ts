import { ProductOrderView } from '@bss/order-tracking';

/** Attributes every selection keeps: what identifies the resource. */
const ALWAYS = ['id', 'href', '@type'];

/**
 * TMF630 attribute selection: `fields=state,orderDate` answers only those first-level attributes, with
 * id, href and @type; names the resource does not have are left out. No `fields` is the whole resource.
 */
export function selectAttributes(productOrder: ProductOrderView, fields: string | undefined): Record<string, unknown> {
  if (fields === undefined || fields.trim() === '') return productOrder;
  const wanted = new Set([...ALWAYS, ...fields.split(',').map((field) => field.trim())]);
  return Object.fromEntries(Object.entries(productOrder).filter(([name]) => wanted.has(name)));
}
