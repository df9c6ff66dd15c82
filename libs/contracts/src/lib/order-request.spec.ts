import { EXAMPLE_PAYLOADS } from './fixtures';
import { parseOrderRequest, parseSeedMessage } from './order-request';

describe('parseOrderRequest', () => {
  it('accepts a typed order with a case-insensitive type', () => {
    const parsed = parseOrderRequest({ type: 'mnp', payload: EXAMPLE_PAYLOADS.MNP, idempotencyKey: 'shop-42:7' });
    expect(parsed).toMatchObject({ ok: true, request: { type: 'MNP', origin: 'api', idempotencyKey: 'shop-42:7' } });
  });

  it('names every bad field, including unknown top-level fields', () => {
    const parsed = parseOrderRequest({ type: 'ROAMING', payload: {}, priority: 'high' }, 'orders[3]');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((error) => error.field)).toEqual(['orders[3].priority', 'orders[3].type']);
  });

  it('reports payload errors under the payload path', () => {
    const parsed = parseOrderRequest({ type: 'SUBSCRIPTION', payload: { ...EXAMPLE_PAYLOADS.SUBSCRIPTION, msisdn: 'x' } });
    expect(!parsed.ok && parsed.errors.map((error) => error.field)).toEqual(['payload.msisdn']);
  });

  it('rejects bad idempotency keys and non-object bodies', () => {
    const parsed = parseOrderRequest({ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP, idempotencyKey: 'a b' });
    expect(!parsed.ok && parsed.errors.map((error) => error.field)).toEqual(['idempotencyKey']);
    expect(parseOrderRequest([1, 2]).ok).toBe(false);
    expect(parseOrderRequest(null).ok).toBe(false);
  });
});

describe('parseSeedMessage', () => {
  it('accepts the seed shape with a lower-case type and optional attributes', () => {
    const parsed = parseSeedMessage({ 타입: 'subscription', 내용: '신규 가입', 속성들: { 채널: '웹' } });
    expect(parsed).toEqual({
      ok: true,
      request: {
        type: 'SUBSCRIPTION',
        origin: 'seed-compat',
        payload: expect.objectContaining({ content: '신규 가입', attributes: { 채널: '웹' } }),
      },
    });
  });

  it('rejects blank content, unknown types and non-object attributes with the seed field names', () => {
    const parsed = parseSeedMessage({ 타입: 'FAX', 내용: '   ', 속성들: 'x' });
    expect(!parsed.ok && parsed.errors.map((error) => error.field).sort()).toEqual(['내용', '속성들', '타입']);
  });
});

describe('seed attributes', () => {
  it('accept modest nesting and refuse deep or huge attribute objects', () => {
    expect(parseSeedMessage({ 타입: 'MNP', 내용: 'x', 속성들: { a: { b: { c: 1 } } } }).ok).toBe(true);
    expect(parseSeedMessage({ 타입: 'MNP', 내용: 'x', 속성들: { a: { b: { c: { d: { e: 1 } } } } } }).ok).toBe(false);
    const huge = Object.fromEntries(Array.from({ length: 201 }, (_, index) => [`k${index}`, index]));
    expect(parseSeedMessage({ 타입: 'MNP', 내용: 'x', 속성들: huge }).ok).toBe(false);
  });
});
