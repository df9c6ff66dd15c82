import { definitionOf, isOrderType, OrderType, PayloadOf } from './order-type';
import { SeedMessagePayload } from './payloads/seed-message.payload';
import { isPlainObject, validateAs } from './validate';
import { FieldError } from './validation-error';

export const ENVELOPE_VERSION = 1;

/** Where an order came in: the typed v1 API or the seed-compatible endpoints (free-text payload). */
export const ORDER_ORIGINS = ['api', 'seed-compat'] as const;
export type OrderOrigin = (typeof ORDER_ORIGINS)[number];

/** AMQP headers we own; the attempt count lives here, never in the body or in broker internals. */
export const ORDER_HEADERS = {
  attempt: 'x-attempt',
  correlationId: 'x-correlation-id',
  origin: 'x-order-origin',
  /** When the order first failed; kept across retries so a dead letter shows the whole span. */
  firstFailureAt: 'x-first-failure-at',
  lastError: 'x-last-error',
  /** The placing API key's id (never the key itself), so every lifecycle event can name its owner. */
  clientId: 'x-client-id',
  /** Deferrals and pending checks so far; with the attempt and the replays it orders lifecycle events. */
  deferrals: 'x-deferrals',
  /** Times an operator replayed the order's dead letter. */
  replays: 'x-replays',
} as const;

export const ENVELOPE_CONTENT_TYPE = 'application/json';

export interface OrderEnvelope<P = unknown> {
  readonly id: string;
  readonly type: OrderType;
  readonly version: number;
  /** ISO-8601 instant at which producer-api accepted the order and published it. */
  readonly acceptedAt: string;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
  readonly origin: OrderOrigin;
  readonly payload: P;
}

/** An order of type `T`, its payload typed by that type's definition. */
export type OrderOf<T extends OrderType> = OrderEnvelope<PayloadOf<T>> & { readonly type: T };

export type EnvelopeDefect =
  | 'invalid-json'
  | 'missing-id'
  | 'unknown-type'
  | 'unsupported-version'
  | 'invalid-envelope'
  | 'invalid-payload';

export type DecodedEnvelope =
  | { ok: true; envelope: OrderEnvelope }
  | { ok: false; defect: EnvelopeDefect; detail: string };

const ENVELOPE_FIELDS = ['id', 'type', 'version', 'acceptedAt', 'correlationId', 'idempotencyKey', 'origin', 'payload'];

/** Decodes and fully validates a message body; a defect names what is wrong so it can be dead-lettered. */
export function decodeEnvelope(content: Buffer): DecodedEnvelope {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, defect: 'invalid-json', detail: (error as Error).message };
  }
  if (!isPlainObject(raw)) return { ok: false, defect: 'invalid-json', detail: 'body is not a JSON object' };
  if (typeof raw['id'] !== 'string' || raw['id'].length === 0) {
    return { ok: false, defect: 'missing-id', detail: 'envelope has no id' };
  }
  if (!isOrderType(raw['type'])) {
    return { ok: false, defect: 'unknown-type', detail: `unknown order type ${JSON.stringify(raw['type'])}` };
  }
  if (raw['version'] !== ENVELOPE_VERSION) {
    return { ok: false, defect: 'unsupported-version', detail: `envelope version ${JSON.stringify(raw['version'])}` };
  }
  const shapeProblem = envelopeShapeProblem(raw);
  if (shapeProblem) return { ok: false, defect: 'invalid-envelope', detail: shapeProblem };

  const payload = validatePayload(raw['type'], raw['origin'] as OrderOrigin, raw['payload']);
  if (!payload.ok) {
    return { ok: false, defect: 'invalid-payload', detail: describeFieldErrors(payload.errors) };
  }
  return { ok: true, envelope: { ...(raw as unknown as OrderEnvelope), payload: payload.value } };
}

export function encodeEnvelope(envelope: OrderEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

export function validatePayload(type: OrderType, origin: OrderOrigin, payload: unknown) {
  return origin === 'seed-compat'
    ? validateAs(SeedMessagePayload, payload, 'payload')
    : validateAs<object>(definitionOf(type).payload, payload, 'payload');
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((error) => `${error.field}: ${error.messages.join('; ')}`).join(', ');
}

function envelopeShapeProblem(raw: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(raw).filter((key) => !ENVELOPE_FIELDS.includes(key));
  if (unknown.length > 0) return `unknown envelope fields: ${unknown.join(', ')}`;
  if (typeof raw['acceptedAt'] !== 'string' || Number.isNaN(Date.parse(raw['acceptedAt']))) {
    return 'acceptedAt must be an ISO-8601 instant';
  }
  if (typeof raw['correlationId'] !== 'string' || raw['correlationId'].length === 0) {
    return 'correlationId is missing';
  }
  if (raw['idempotencyKey'] !== undefined && typeof raw['idempotencyKey'] !== 'string') {
    return 'idempotencyKey must be a string';
  }
  if (!(ORDER_ORIGINS as readonly unknown[]).includes(raw['origin'])) {
    return `origin must be one of ${ORDER_ORIGINS.join(', ')}`;
  }
  return undefined;
}
