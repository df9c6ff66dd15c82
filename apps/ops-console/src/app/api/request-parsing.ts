import { BadRequestException } from '@nestjs/common';
import { parseOrderType } from '@bss/contracts';
import { Selection } from '../operations/dead-letter-operations';
import { DEAD_LETTER_STATES, DeadLetterFilter, DeadLetterState } from '../store/dead-letter';

const MAX_IDS = 1000;
const MAX_LIMIT = 500;
const ID_PATTERN = /^[1-9]\d{0,17}$/;
/** Longer than any order id, correlation id or idempotency key the system hands out. */
const MAX_SEARCH_LENGTH = 200;

export function parseId(raw: string): string {
  if (!ID_PATTERN.test(raw)) throw new BadRequestException(`dead-letter id must be a positive integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  return raw;
}

export function parseFilter(query: Record<string, unknown>): DeadLetterFilter {
  const type = optionalText(query['type'], 'type');
  const reason = optionalText(query['reason'], 'reason');
  const state = optionalText(query['state'], 'state');
  if (state !== undefined && !(DEAD_LETTER_STATES as readonly string[]).includes(state)) {
    throw new BadRequestException(`state must be one of ${DEAD_LETTER_STATES.join(', ')}`);
  }
  return {
    type: type === undefined ? undefined : (parseOrderType(type) ?? type.toUpperCase()),
    reason,
    state: state as DeadLetterState | undefined,
    limit: parseLimit(query, 50),
    offset: boundedInteger(query['offset'], 'offset', 0, 10_000_000, 0),
  };
}

export function parseLimit(query: Record<string, unknown>, fallback: number): number {
  return boundedInteger(query['limit'], 'limit', 1, MAX_LIMIT, fallback);
}

/** The order search's `q`: an order id, correlation id or idempotency key, spaces around it dropped. */
export function parseSearchText(query: Record<string, unknown>): string {
  const text = typeof query['q'] === 'string' ? query['q'].trim() : '';
  if (text.length === 0 || text.length > MAX_SEARCH_LENGTH) {
    throw new BadRequestException(`q must be an order id, correlation id or idempotency key (1 to ${MAX_SEARCH_LENGTH} characters)`);
  }
  return text;
}

/** `{ids: [...]}` or `{type}`, exactly one of them. */
export function parseSelection(body: unknown): Selection {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestException('body must be a JSON object with ids or type');
  const { ids, type } = body as Record<string, unknown>;
  if ((ids === undefined) === (type === undefined)) throw new BadRequestException('give either ids (a list of dead-letter ids) or type, not both or neither');
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS) throw new BadRequestException(`ids must be a list of 1 to ${MAX_IDS} ids`);
    return { ids: [...new Set(ids.map((id) => parseId(String(id))))] };
  }
  const orderType = parseOrderType(type);
  if (!orderType) throw new BadRequestException(`type must be an order type, got ${JSON.stringify(String(type).slice(0, 40))}`);
  return { type: orderType };
}

/** A purge must say so: `confirm: true`, so that a stray request cannot drop dead letters. */
export function requirePurgeConfirmation(body: unknown): void {
  if ((body as Record<string, unknown> | undefined)?.['confirm'] !== true) {
    throw new BadRequestException('purging needs "confirm": true in the body');
  }
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 100) throw new BadRequestException(`${name} must be a short text`);
  return value;
}

function boundedInteger(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}
