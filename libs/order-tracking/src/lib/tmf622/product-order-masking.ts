import { maskPersonalData, maskPersonalDataInText } from '@bss/observability';
import { isPlainObject } from '@bss/contracts';

/**
 * What is stored of a product order is what its GET answers and its hub events carry, so personal
 * data is masked before it is stored. maskPersonalData masks by field name, which does not fit TMF's
 * name/value characteristics (it would mask the characteristic's `name`, not its value): a
 * characteristic's value is masked as the field its name says (`msisdn`, `newHolder.name`).
 */
export function maskProductOrderFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...fields };
  for (const field of ['relatedParty', 'billingAccount'] as const) {
    if (masked[field] !== undefined) masked[field] = maskPersonalData(masked[field]);
  }
  for (const field of ['description', 'notificationContact'] as const) {
    if (typeof masked[field] === 'string') masked[field] = maskPersonalDataInText(masked[field] as string);
  }
  if (Array.isArray(masked['note'])) masked['note'] = masked['note'].map(maskNote);
  return masked;
}

export function maskProductOrderItem(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const product = item['product'];
  if (!isPlainObject(product)) return { ...item };
  const masked: Record<string, unknown> = { ...product };
  if (Array.isArray(product['productCharacteristic'])) masked['productCharacteristic'] = product['productCharacteristic'].map(maskCharacteristic);
  if (product['relatedParty'] !== undefined) masked['relatedParty'] = maskPersonalData(product['relatedParty']);
  return { ...item, product: masked };
}

function maskCharacteristic(characteristic: unknown): unknown {
  if (!isPlainObject(characteristic) || typeof characteristic['name'] !== 'string') return characteristic;
  const field = characteristic['name'].split('.').pop() ?? characteristic['name'];
  const value = maskPersonalData({ [field]: characteristic['value'] })[field];
  return { ...characteristic, value };
}

function maskNote(note: unknown): unknown {
  if (!isPlainObject(note)) return note;
  return {
    ...note,
    ...(typeof note['text'] === 'string' ? { text: maskPersonalDataInText(note['text']) } : {}),
    ...(typeof note['author'] === 'string' ? { author: maskPersonalDataInText(note['author']) } : {}),
  };
}
