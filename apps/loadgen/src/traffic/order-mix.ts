import { EXAMPLE_PAYLOADS, OrderType, parseOrderType } from '@bss/contracts';

export type OrderMix = ReadonlyArray<{ readonly type: OrderType; readonly weight: number }>;

/** `SUBSCRIPTION=40,MNP=60` → weights per type; an even split of `types` when absent. */
export function parseMix(text: string | undefined, types: readonly OrderType[]): OrderMix {
  if (!text) return types.map((type) => ({ type, weight: 1 }));
  return text.split(',').map((item) => {
    const [name, weight] = item.split('=');
    const type = parseOrderType(name);
    const value = Number(weight);
    if (!type || !Number.isFinite(value) || value <= 0) throw new Error(`--mix: "${item}" is not TYPE=weight with a known type`);
    return { type, weight: value };
  });
}

export function pickType(mix: OrderMix, random: () => number): OrderType {
  const total = mix.reduce((sum, item) => sum + item.weight, 0);
  let point = random() * total;
  for (const item of mix) {
    point -= item.weight;
    if (point < 0) return item.type;
  }
  return mix[mix.length - 1].type;
}

function digits(random: () => number, count: number): string {
  return Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
}

/** A valid payload of the type with its own customer and number, so no two orders look alike. */
export function payloadFor(type: OrderType, random: () => number): Record<string, unknown> {
  const customerId = `C1${digits(random, 8)}`;
  const payload: Record<string, unknown> = { ...EXAMPLE_PAYLOADS[type], customerId, msisdn: `010-${digits(random, 4)}-${digits(random, 4)}` };
  if (type === 'CHANGE') payload['newHolder'] = { ...(EXAMPLE_PAYLOADS.CHANGE['newHolder'] as object), customerId: `C2${digits(random, 8)}` };
  return payload;
}
