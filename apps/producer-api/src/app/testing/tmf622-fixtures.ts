/** A payload as TMF characteristics: one name/value pair per field, nested fields by dotted name. */
export function characteristicsOf(payload: Readonly<Record<string, unknown>>, prefix = ''): { name: string; value: unknown }[] {
  return Object.entries(payload).flatMap(([name, value]) =>
    typeof value === 'object' && value !== null ? characteristicsOf(value as Record<string, unknown>, `${prefix}${name}.`) : [{ name: `${prefix}${name}`, value }],
  );
}

/** A productOrderItem for `offering` and `action` carrying `payload`. */
export function productOrderItem(id: string, action: string, offering: string, payload: Readonly<Record<string, unknown>>) {
  return { id, action, productOffering: { id: offering, name: offering }, product: { productCharacteristic: characteristicsOf(payload) } };
}
