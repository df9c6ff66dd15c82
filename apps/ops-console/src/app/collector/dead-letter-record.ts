import { ORDER_HEADERS, parseOrderType } from '@bss/contracts';
import { DEAD_LETTER_HEADERS } from '@bss/messaging';
import type { ConsumeMessage } from 'amqplib';
import { createHash } from 'node:crypto';
import { CollectedDeadLetter, UNKNOWN_TYPE } from '../store/dead-letter';

type Headers = Record<string, unknown>;

/**
 * Turns a message of the dead-letter queue into what the store keeps. Our consumers dead-letter
 * with `x-dead-letter-reason` & co.; the broker itself (delivery limit reached) only adds `x-death`,
 * so both are read. The dedup key (order id + dead-lettered-at + reason) is what makes a redelivery
 * of the same dead letter land on the same row.
 */
export function recordFromMessage(message: Pick<ConsumeMessage, 'content' | 'properties'>): CollectedDeadLetter {
  const headers: Headers = { ...(message.properties.headers ?? {}) };
  const brokerDeath = firstDeath(headers);
  const orderId = stringOrNull(message.properties.messageId) ?? envelopeField(message.content, 'id');
  const reason = stringOrNull(headers[DEAD_LETTER_HEADERS.reason]) ?? stringOrNull(headers['x-first-death-reason']) ?? brokerDeath.reason ?? 'unknown';
  const sourceQueue = stringOrNull(headers[DEAD_LETTER_HEADERS.sourceQueue]) ?? stringOrNull(headers['x-first-death-queue']) ?? brokerDeath.queue;
  const deadLetteredAt =
    isoOrNull(headers[DEAD_LETTER_HEADERS.deadLetteredAt]) ?? brokerDeath.time ?? fingerprintTime(message.content, headers);
  return {
    dedupKey: createHash('sha256')
      .update(`${orderId ?? createHash('sha256').update(message.content).digest('hex')}|${deadLetteredAt}|${reason}`)
      .digest('hex'),
    orderId,
    orderType: orderTypeOf(message, sourceQueue),
    reason,
    lastError: stringOrNull(headers[DEAD_LETTER_HEADERS.lastError]),
    attempts: numberOrNull(headers[DEAD_LETTER_HEADERS.attempts]) ?? numberOrNull(headers[ORDER_HEADERS.attempt]),
    firstFailureAt: isoOrNull(headers[ORDER_HEADERS.firstFailureAt]),
    deadLetteredAt,
    sourceQueue,
    correlationId: stringOrNull(headers[ORDER_HEADERS.correlationId]) ?? stringOrNull(message.properties.correlationId),
    headers: jsonSafe(headers) as Headers,
    properties: {
      messageId: stringOrUndefined(message.properties.messageId),
      type: stringOrUndefined(message.properties.type),
      contentType: stringOrUndefined(message.properties.contentType),
      timestamp: typeof message.properties.timestamp === 'number' ? message.properties.timestamp : undefined,
      correlationId: stringOrUndefined(message.properties.correlationId),
    },
    body: message.content,
  };
}

function orderTypeOf(message: Pick<ConsumeMessage, 'content' | 'properties'>, sourceQueue: string | null): string {
  const fromQueue = sourceQueue ? parseOrderType(sourceQueue.slice(sourceQueue.lastIndexOf('.') + 1)) : undefined;
  return parseOrderType(message.properties.type) ?? parseOrderType(envelopeField(message.content, 'type')) ?? fromQueue ?? UNKNOWN_TYPE;
}

function firstDeath(headers: Headers): { reason: string | null; queue: string | null; time: string | null } {
  const deaths = headers['x-death'];
  const first = Array.isArray(deaths) ? (deaths[0] as Headers | undefined) : undefined;
  if (!first) return { reason: null, queue: null, time: null };
  return { reason: stringOrNull(first['reason']), queue: stringOrNull(first['queue']), time: amqpTimeOrNull(first['time']) };
}

/** Without any time of death, identical content and headers are the same dead letter. */
function fingerprintTime(content: Buffer, headers: Headers): string {
  return `unknown:${createHash('sha256').update(content).update(JSON.stringify(jsonSafe(headers))).digest('hex').slice(0, 16)}`;
}

function envelopeField(content: Buffer, field: 'id' | 'type'): string | null {
  try {
    const parsed: unknown = JSON.parse(content.toString('utf8'));
    if (parsed && typeof parsed === 'object') return stringOrNull((parsed as Headers)[field]);
  } catch {
    // A poison message may be anything; it is stored as bytes all the same.
  }
  return null;
}

/** amqplib decodes AMQP timestamps as `{ '!': 'timestamp', value }` in tables and as seconds elsewhere. */
function amqpTimeOrNull(value: unknown): string | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'object' && value ? Number((value as Headers)['value']) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? 'null');
}

function stringOrNull(value: unknown): string | null {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function stringOrUndefined(value: unknown): string | undefined {
  return stringOrNull(value) ?? undefined;
}

function numberOrNull(value: unknown): number | null {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
}

function isoOrNull(value: unknown): string | null {
  const text = stringOrNull(value);
  return text && !Number.isNaN(Date.parse(text)) ? new Date(text).toISOString() : null;
}
