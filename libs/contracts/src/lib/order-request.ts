import { OrderOrigin, validatePayload } from './envelope';
import { ORDER_TYPES, OrderType, parseOrderType } from './order-type';
import { isPlainObject, unknownFieldErrors } from './validate';
import { FieldError } from './validation-error';

/** An order as a client submits it, before it is accepted and wrapped in an envelope. */
export interface OrderRequest {
  readonly type: OrderType;
  readonly origin: OrderOrigin;
  readonly payload: object;
  readonly idempotencyKey?: string;
}

export type ParsedOrderRequest = { ok: true; request: OrderRequest } | { ok: false; errors: FieldError[] };

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const V1_FIELDS = ['type', 'payload', 'idempotencyKey'];

/** `POST /api/v1/orders` body: `{ type, payload, idempotencyKey? }`; the type is case-insensitive. */
export function parseOrderRequest(body: unknown, field = ''): ParsedOrderRequest {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!isPlainObject(body)) {
    return { ok: false, errors: [{ field: field || 'body', messages: ['must be a JSON object'] }] };
  }
  const errors = unknownFieldErrors(body, V1_FIELDS, field);
  const type = parseOrderType(body['type']);
  if (!type) errors.push({ field: at('type'), messages: [unknownTypeMessage('type', body['type'])] });

  const idempotencyKey = body['idempotencyKey'];
  if (idempotencyKey !== undefined && !isIdempotencyKey(idempotencyKey)) {
    errors.push({ field: at('idempotencyKey'), messages: [IDEMPOTENCY_KEY_MESSAGE] });
  }
  if (!type) return { ok: false, errors };

  const payload = validatePayload(type, 'api', body['payload']);
  if (!payload.ok) errors.push(...payload.errors.map((error) => ({ ...error, field: at(error.field) })));
  if (errors.length > 0 || !payload.ok) return { ok: false, errors };
  return {
    ok: true,
    request: { type, origin: 'api', payload: payload.value, idempotencyKey: idempotencyKey as string | undefined },
  };
}

const SEED_FIELDS = ['타입', '내용', '속성들'];

/** Seed `POST /api/message` body: `{ "타입": type, "내용": text, "속성들"?: object }`. */
export function parseSeedMessage(body: unknown, field = ''): ParsedOrderRequest {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!isPlainObject(body)) {
    return { ok: false, errors: [{ field: field || 'body', messages: ['must be a JSON object'] }] };
  }
  const errors = unknownFieldErrors(body, SEED_FIELDS, field);
  const type = parseOrderType(body['타입']);
  if (!type) errors.push({ field: at('타입'), messages: [unknownTypeMessage('타입', body['타입'])] });

  const payload = validatePayload(type ?? 'SUBSCRIPTION', 'seed-compat', {
    content: body['내용'],
    ...(body['속성들'] === undefined ? {} : { attributes: body['속성들'] }),
  });
  if (!payload.ok) errors.push(...payload.errors.map((error) => ({ ...error, field: at(seedFieldName(error.field)) })));
  if (errors.length > 0 || !type || !payload.ok) return { ok: false, errors };
  return { ok: true, request: { type, origin: 'seed-compat', payload: payload.value } };
}

export const IDEMPOTENCY_KEY_MESSAGE = 'idempotencyKey must be 1 to 128 letters, digits or . _ : -';

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value);
}

function unknownTypeMessage(label: string, value: unknown): string {
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  return `${label} must be one of ${ORDER_TYPES.join(', ')} (case-insensitive); got ${shown}`;
}

function seedFieldName(payloadField: string): string {
  return payloadField.replace(/^payload\.content/, '내용').replace(/^payload\.attributes/, '속성들');
}
