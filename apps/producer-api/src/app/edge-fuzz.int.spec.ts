import { EXAMPLE_PAYLOADS, ORDER_TYPES, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerProbe, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startProducerForTest, untilReady } from './testing/producer-test-app';

/** Small deterministic PRNG so a failing case can be reproduced from its seed. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzRequest {
  readonly label: string;
  readonly url: string;
  readonly contentType?: string;
  readonly body: string | Buffer;
}

const ENDPOINTS = ['/api/v1/orders', '/api/v1/orders/batch', '/api/message', '/api/messages/batch'];
const WRONG_VALUES: unknown[] = [null, true, 0, -1, 1e308, '', ' ', 'x'.repeat(70_000), [], {}, [[]], { a: 1 }, '\u0000', '😀'.repeat(50), '010-1234-5678\u202e'];
const CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', ''];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function validOrder(random: () => number): { type: OrderType; payload: Record<string, unknown> } {
  const type = pick(random, ORDER_TYPES);
  return { type, payload: { ...EXAMPLE_PAYLOADS[type] } };
}

/** Each generator breaks at least one rule, so every request it makes must be refused. */
const GENERATORS: ((random: () => number) => FuzzRequest)[] = [
  (random) => {
    const order = validOrder(random);
    const field = pick(random, Object.keys(order.payload));
    return { label: `wrong value for payload.${field}`, url: '/api/v1/orders', body: JSON.stringify({ ...order, payload: { ...order.payload, [field]: pick(random, WRONG_VALUES.filter((value) => typeof value !== 'string' || value.length !== 13)) } }) };
  },
  (random) => {
    const order = validOrder(random);
    const field = pick(random, ['customerId', 'msisdn']);
    const { [field]: _removed, ...rest } = order.payload;
    return { label: `missing payload.${field}`, url: '/api/v1/orders', body: JSON.stringify({ ...order, payload: rest }) };
  },
  (random) => ({ label: 'extra top-level field', url: '/api/v1/orders', body: JSON.stringify({ ...validOrder(random), [`x${Math.floor(random() * 1e6)}`]: pick(random, WRONG_VALUES) }) }),
  (random) => ({ label: 'extra payload field', url: '/api/v1/orders', body: JSON.stringify({ ...validOrder(random), payload: { ...validOrder(random).payload, discount: 99 } }) }),
  (random) => ({ label: 'wrong type field', url: '/api/v1/orders', body: JSON.stringify({ ...validOrder(random), type: pick(random, WRONG_VALUES) }) }),
  (random) => ({ label: 'wrong payload container', url: '/api/v1/orders', body: JSON.stringify({ type: pick(random, ORDER_TYPES), payload: pick(random, [null, 'x', 1, [], [EXAMPLE_PAYLOADS.MNP]]) }) }),
  (random) => ({ label: 'non-object body', url: pick(random, ENDPOINTS), body: JSON.stringify(pick(random, [null, 1, 'x', true, [], [validOrder(random)]])) }),
  (random) => {
    const depth = 33 + Math.floor(random() * 5000);
    return { label: `nesting ${depth} deep`, url: pick(random, ENDPOINTS), body: `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}` };
  },
  (random) => ({ label: 'deep seed attributes', url: '/api/message', body: JSON.stringify({ 타입: 'MNP', 내용: 'x', 속성들: { a: { b: { c: { d: { e: random() } } } } } }) }),
  (random) => {
    const bytes = Buffer.from(JSON.stringify({ 타입: 'MNP', 내용: 'AAAA' }));
    const at = bytes.indexOf('AAAA');
    bytes[at + Math.floor(random() * 4)] = pick(random, [0xff, 0xfe, 0xc0, 0x80]);
    return { label: 'invalid UTF-8', url: pick(random, ['/api/message', '/api/v1/orders']), body: bytes };
  },
  (random) => ({ label: 'wrong content type', url: pick(random, ENDPOINTS), contentType: pick(random, CONTENT_TYPES), body: JSON.stringify(validOrder(random)) }),
  (random) => ({ label: 'random bytes', url: pick(random, ENDPOINTS), body: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256))) }),
  (random) => ({ label: 'truncated JSON', url: pick(random, ENDPOINTS), body: JSON.stringify(validOrder(random)).slice(0, 1 + Math.floor(random() * 40)) }),
  (random) => ({ label: 'prototype pollution', url: pick(random, ENDPOINTS), body: pick(random, ['{"__proto__":{"ok":1},"type":"MNP"}', '{"constructor":{"prototype":{"ok":1}}}', '{"type":"MNP","payload":{"__proto__":{"msisdn":"01012345678"}}}']) }),
  (random) => ({ label: 'huge string', url: pick(random, ENDPOINTS), body: JSON.stringify({ 타입: 'MNP', 내용: 'x'.repeat(4001 + Math.floor(random() * 100_000)) }) }),
  (random) => ({ label: 'oversized body', url: pick(random, ENDPOINTS), body: JSON.stringify({ pad: 'x'.repeat(300_000) }) }),
  (random) => ({ label: 'bad batch', url: '/api/v1/orders/batch', body: JSON.stringify(pick(random, [{ orders: [] }, { orders: 'x' }, { orders: Array(11).fill(validOrder(random)) }, { orders: [validOrder(random)], more: 1 }, {}])) }),
  (random) => ({ label: 'bad seed batch', url: '/api/messages/batch', body: JSON.stringify(pick(random, [{ 메시지목록: [] }, { 메시지목록: {} }, { 메시지목록: Array(11).fill({ 타입: 'MNP', 내용: 'x' }) }, { messages: [] }])) }),
  (random) => ({ label: 'bad idempotency key', url: '/api/v1/orders', body: JSON.stringify({ ...validOrder(random), idempotencyKey: pick(random, ['', 'has space', 'x'.repeat(129), 42, 'ä']) }) }),
  (random) => ({ label: 'invalid calendar date', url: '/api/v1/orders', body: JSON.stringify({ type: 'TERMINATION', payload: { ...EXAMPLE_PAYLOADS.TERMINATION, effectiveDate: pick(random, ['2026-02-30', '2026-13-01', '31/12/2026', '2026-12-31T00:00:00Z']) } }) }),
];

const REQUESTS = 3000;

describe('producer-api edge fuzzing on the real broker', () => {
  let app: NestFastifyApplication;
  let names: TopologyNames;
  let probe: BrokerProbe;

  beforeAll(async () => {
    names = uniqueTopology('fuzz');
    probe = await BrokerProbe.connect();
    app = await startProducerForTest({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, BATCH_MAX_ITEMS: '10', BODY_LIMIT_BYTES: '262144' });
    await untilReady(app);
  });

  afterAll(async () => {
    await app.close();
    await probe.deleteTopology(names);
    await probe.close();
  });

  it(`refuses ${REQUESTS} malformed requests with clear 4xx answers and publishes nothing`, async () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? 20261127);
    const random = mulberry32(seed);
    const unexpected: string[] = [];
    const statuses = new Map<number, number>();
    for (let index = 0; index < REQUESTS; index += 1) {
      const request = pick(random, GENERATORS)(random);
      const response = await app.inject({
        method: 'POST',
        url: request.url,
        headers: request.contentType === undefined ? { 'content-type': 'application/json' } : request.contentType ? { 'content-type': request.contentType } : {},
        payload: request.body,
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const body = response.json();
      const explained = typeof (body.message ?? body.메시지) === 'string' && (body.message ?? body.메시지).length > 0;
      if (response.statusCode < 400 || response.statusCode >= 500 || !explained) {
        unexpected.push(`#${index} ${request.label} → ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(unexpected).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual([400, 413, 415]);

    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    for (const type of ORDER_TYPES) expect(await probe.messageCount(names.queueFor(type))).toBe(0);
  });
});
