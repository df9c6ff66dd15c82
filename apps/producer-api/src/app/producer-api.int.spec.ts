import { EXAMPLE_PAYLOADS, ORDER_HEADERS, OrderLifecycleEvent, TopologyNames } from '@bss/contracts';
import { ANONYMOUS_CLIENT_ID } from '@bss/order-tracking';
import { BrokerProbe, eventually, FaultyLink, uniqueTopology, UNREACHABLE_BROKER_URL, TEST_BROKER_URL } from '@bss/messaging/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startProducerForTest as startApp, untilReady } from './testing/producer-test-app';

function postJson(app: NestFastifyApplication, url: string, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
}

describe('producer-api against the real broker', () => {
  let probe: BrokerProbe;
  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });
  afterAll(() => probe.close());

  describe('with the broker up', () => {
    let app: NestFastifyApplication;
    let names: TopologyNames;

    beforeAll(async () => {
      names = uniqueTopology('producer');
      app = await startApp({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, QUEUE_MAX_LENGTH: '3', BATCH_MAX_ITEMS: '5', BODY_LIMIT_BYTES: '4096' });
      await untilReady(app);
    });
    afterAll(async () => {
      await app.close();
      await probe.deleteTopology(names);
    });

    it('answers 202 only with the order stored in its type queue as an envelope', async () => {
      const response = await postJson(app, '/api/v1/orders', { type: 'termination', payload: EXAMPLE_PAYLOADS.TERMINATION }, { 'x-correlation-id': 'corr-int-1' });
      expect(response.statusCode).toBe(202);
      const body = response.json();
      expect(body).toEqual({
        orderId: expect.any(String),
        type: 'TERMINATION',
        acceptedAt: expect.any(String),
        correlationId: 'corr-int-1',
        idempotencyKey: expect.any(String),
        statusUrl: `/api/v1/orders/${body.orderId}`,
      });
      expect(response.headers['x-correlation-id']).toBe('corr-int-1');
      expect(response.headers['idempotency-key']).toBe(body.idempotencyKey);
      expect(response.headers['location']).toBe(body.statusUrl);

      const [message] = await probe.drain(names.queueFor('TERMINATION'));
      expect(JSON.parse(message.content.toString())).toEqual({
        id: body.orderId,
        type: 'TERMINATION',
        version: 1,
        acceptedAt: body.acceptedAt,
        correlationId: 'corr-int-1',
        idempotencyKey: body.idempotencyKey,
        origin: 'api',
        payload: EXAMPLE_PAYLOADS.TERMINATION,
      });
      expect(message.properties.headers?.[ORDER_HEADERS.attempt]).toBe(1);
      expect(message.properties.headers?.[ORDER_HEADERS.clientId]).toBe(ANONYMOUS_CLIENT_ID);

      // The tracker's queue gets the order's first two transitions, payload masked.
      const events: OrderLifecycleEvent[] = [];
      await eventually(
        async () => events.push(...(await probe.drain(names.trackerQueue)).flatMap((batch) => JSON.parse(batch.content.toString()) as OrderLifecycleEvent[])),
        () => events.filter((event) => event.orderId === body.orderId).length >= 2,
      );
      const ofOrder = events.filter((event) => event.orderId === body.orderId);
      expect(ofOrder.map((event) => event.state)).toEqual(['accepted', 'queued']);
      expect(ofOrder[0]).toMatchObject({ clientId: ANONYMOUS_CLIENT_ID, idempotencyKey: body.idempotencyKey, correlationId: 'corr-int-1', acceptedAt: body.acceptedAt });
      expect(JSON.stringify(ofOrder[0].detail?.summary)).not.toContain(EXAMPLE_PAYLOADS.TERMINATION.msisdn);
    });

    it('gives a retried order with the same idempotency key the same order id', async () => {
      const send = () => postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }, { 'idempotency-key': 'shop-7:order-991' });
      const [first, second] = [await send(), await send()];
      expect(first.json().orderId).toBe(second.json().orderId);
      const other = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP, idempotencyKey: 'shop-7:order-992' });
      expect(other.json().orderId).not.toBe(first.json().orderId);
      await probe.drain(names.queueFor('MNP'));
    });

    it('gives an order sent without a key a key of its own, which a resend can use to keep the order id', async () => {
      const first = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
      const { orderId, idempotencyKey } = first.json();
      expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      const resent = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }, { 'idempotency-key': idempotencyKey });
      expect(resent.json()).toMatchObject({ orderId, idempotencyKey });
      const fresh = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
      expect(fresh.json().orderId).not.toBe(orderId);
      await probe.drain(names.queueFor('MNP'));
      const seed = await postJson(app, '/api/message', { 타입: 'MNP', 내용: '번호이동' });
      const seedResent = await postJson(app, '/api/message', { 타입: 'MNP', 내용: '번호이동' }, { 'idempotency-key': seed.headers['idempotency-key'] as string });
      expect(seedResent.json().세부정보.메시지아이디).toBe(seed.json().세부정보.메시지아이디);
      await probe.drain(names.queueFor('MNP'));
    });

    it('answers 400 naming every bad field, and publishes nothing', async () => {
      const response = await postJson(app, '/api/v1/orders', {
        type: 'SUBSCRIPTION',
        payload: { ...EXAMPLE_PAYLOADS.SUBSCRIPTION, msisdn: '02-123-4567', coupon: 'FREE' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors.map((error: { field: string }) => error.field)).toEqual(['payload.coupon', 'payload.msisdn']);
      expect(await probe.messageCount(names.queueFor('SUBSCRIPTION'))).toBe(0);
    });

    it('answers 415 for bodies that are not JSON and 413 for oversized ones', async () => {
      const text = await app.inject({ method: 'POST', url: '/api/v1/orders', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      expect(text.statusCode).toBe(415);
      const form = await app.inject({ method: 'POST', url: '/api/message', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' });
      expect(form.statusCode).toBe(415);
      const big = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: { ...EXAMPLE_PAYLOADS.MNP, pad: 'x'.repeat(5000) } });
      expect(big.statusCode).toBe(413);
      const broken = await app.inject({ method: 'POST', url: '/api/v1/orders', headers: { 'content-type': 'application/json' }, payload: '{"type":' });
      expect(broken.statusCode).toBe(400);
    });

    it('accepts application/json with parameters (charset=utf-8) wherever it accepts JSON', async () => {
      const charset = { 'content-type': 'application/json; charset=utf-8' };
      const order = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }, charset);
      expect(order.statusCode).toBe(202);
      const batch = await postJson(app, '/api/v1/orders/batch', { orders: [{ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }] }, charset);
      expect(batch.json()).toMatchObject({ accepted: 1 });
      const seed = await postJson(app, '/api/message', { 타입: 'MNP', 내용: '번호이동' }, { 'content-type': 'application/json;charset=UTF-8' });
      expect(seed.json()).toMatchObject({ 성공: true });
      const seedBatch = await postJson(app, '/api/messages/batch', { 메시지목록: [{ 타입: 'MNP', 내용: '번호이동' }] }, charset);
      expect(seedBatch.json()).toMatchObject({ 성공: true });
      expect(await probe.drain(names.queueFor('MNP'))).toHaveLength(4);
    });

    it('answers 503 with Retry-After when the queue is full, and stores nothing more', async () => {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let index = 0; index < 6; index += 1) {
        const response = await postJson(app, '/api/v1/orders', { type: 'CHANGE', payload: EXAMPLE_PAYLOADS.CHANGE });
        statuses.push(response.statusCode);
        if (response.statusCode === 503) {
          retryAfter = response.headers['retry-after'] as string;
          expect(response.json()).toMatchObject({ reason: 'queue-full' });
        }
      }
      expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
      expect(statuses.at(-1)).toBe(503);
      expect(retryAfter).toBe('5');
      expect(await probe.messageCount(names.queueFor('CHANGE'))).toBe(statuses.filter((status) => status === 202).length);
      await probe.drain(names.queueFor('CHANGE'));
    });

    it('accepts a batch item by item, reporting each by index', async () => {
      const response = await postJson(app, '/api/v1/orders/batch', {
        orders: [
          { type: 'SUBSCRIPTION', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION },
          { type: 'ROAMING', payload: {} },
          { type: 'mnp', payload: EXAMPLE_PAYLOADS.MNP },
        ],
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        accepted: 2,
        rejected: 1,
        failed: 0,
        results: [
          { index: 0, status: 'accepted', type: 'SUBSCRIPTION' },
          { index: 1, status: 'rejected', errors: [{ field: 'orders[1].type' }] },
          { index: 2, status: 'accepted', type: 'MNP' },
        ],
      });
      const tooMany = await postJson(app, '/api/v1/orders/batch', { orders: Array(6).fill({ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }) });
      expect(tooMany.statusCode).toBe(400);
      await probe.drain(names.queueFor('SUBSCRIPTION'));
      await probe.drain(names.queueFor('MNP'));
    });

    it('serves the seed API in its Korean shape on the same pipeline', async () => {
      const sent = await postJson(app, '/api/message', { 타입: 'Mnp', 내용: '번호이동 요청', 속성들: { 통신사: 'KT' } });
      expect(sent.statusCode).toBe(200);
      expect(sent.json()).toMatchObject({ 성공: true, 세부정보: { 메시지타입: 'MNP', 큐이름: names.queueFor('MNP') } });
      const [message] = await probe.drain(names.queueFor('MNP'));
      expect(JSON.parse(message.content.toString())).toMatchObject({
        id: sent.json().세부정보.메시지아이디,
        origin: 'seed-compat',
        payload: { content: '번호이동 요청', attributes: { 통신사: 'KT' } },
      });

      const blank = await postJson(app, '/api/message', { 타입: 'MNP', 내용: '  ' });
      expect(blank.statusCode).toBe(400);
      expect(blank.json()).toMatchObject({ 성공: false, 세부정보: { 오류타입: 'RequestValidationError', 오류목록: [{ field: '내용' }] } });

      const batch = await postJson(app, '/api/messages/batch', { 메시지목록: [{ 타입: 'CHANGE', 내용: '명의변경' }, { 타입: 'X', 내용: 'y' }] });
      expect(batch.json()).toMatchObject({ 성공: true, 세부정보: { 원본메시지개수: 2, 검증성공개수: 1, 전송성공개수: 1 } });

      const status = await app.inject({ method: 'GET', url: '/api/queue/status' });
      expect(status.json()).toMatchObject({ 성공: true, 세부정보: { 큐이름: `${names.prefix}.*`, 메시지개수: 1 } });
      const changeBacklog = status.json().세부정보.backlog.find((entry: { type: string }) => entry.type === 'CHANGE');
      expect(changeBacklog).toMatchObject({ queue: names.queueFor('CHANGE'), depth: 1 });
      expect(changeBacklog.drainSec === null ? changeBacklog.why : changeBacklog.drainSec).toEqual(expect.anything());
      const stats = await app.inject({ method: 'GET', url: '/api/stats' });
      expect(stats.json().타입별통계.MNP).toBeGreaterThan(0);
      expect(JSON.stringify(stats.json())).not.toContain('guest');
      await probe.drain(names.queueFor('CHANGE'));
    });

    it('serves the OpenAPI document at /docs', async () => {
      expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
      const document = (await app.inject({ method: 'GET', url: '/docs-json' })).json();
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/orders/batch', '/api/message']));
    });
  });

  describe('with API keys configured', () => {
    let app: NestFastifyApplication;
    let names: TopologyNames;
    const key = 'test-key-0123456789abcdef';

    beforeAll(async () => {
      names = uniqueTopology('producer-auth');
      app = await startApp({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, API_KEYS: `other-key-0000000000000000,${key}` });
      await untilReady(app);
    });
    afterAll(async () => {
      await app.close();
      await probe.deleteTopology(names);
    });

    it('requires a valid key on the API but keeps health open', async () => {
      const order = { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP };
      expect((await postJson(app, '/api/v1/orders', order)).statusCode).toBe(401);
      expect((await postJson(app, '/api/v1/orders', order, { 'x-api-key': 'wrong-key-000000000000' })).statusCode).toBe(401);
      expect((await postJson(app, '/api/message', { 타입: 'MNP', 내용: 'x' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/api/stats' })).statusCode).toBe(401);
      expect((await postJson(app, '/api/v1/orders', order, { 'x-api-key': key })).statusCode).toBe(202);
      expect((await postJson(app, '/api/v1/orders', order, { authorization: `Bearer ${key}` })).statusCode).toBe(202);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    });
  });

  describe('with a broker whose confirms come later than PUBLISH_TIMEOUT_MS', () => {
    let app: NestFastifyApplication;
    let names: TopologyNames;
    let link: FaultyLink;

    beforeAll(async () => {
      names = uniqueTopology('producer-late');
      const { hostname, port } = new URL(TEST_BROKER_URL);
      link = await FaultyLink.open({ host: hostname, port: Number(port || 5672) });
      app = await startApp({ RABBITMQ_URL: link.urlFor(TEST_BROKER_URL), QUEUE_NAME: names.prefix, PUBLISH_TIMEOUT_MS: '300' });
      await untilReady(app);
    });
    afterAll(async () => {
      await app.close();
      await link.close();
      await probe.deleteTopology(names);
    });

    it('answers "outcome unknown" with what resolves it, refuses the type meanwhile, and a resend as told keeps the order id', async () => {
      link.setMode({ kind: 'delay', ms: 1500 });
      const unknown = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
      expect(unknown.statusCode).toBe(504);
      const { orderId, idempotencyKey } = unknown.json();
      expect(unknown.json()).toMatchObject({
        outcome: 'unknown',
        reason: 'confirm-timeout',
        type: 'MNP',
        orderId: expect.any(String),
        idempotencyKey: expect.any(String),
        resolve: { resendWith: { header: 'Idempotency-Key', value: idempotencyKey } },
      });
      expect(unknown.json().message).toContain(`Idempotency-Key: ${idempotencyKey}`);
      expect(unknown.headers['retry-after']).toBe('5');
      expect(unknown.headers['idempotency-key']).toBe(idempotencyKey);

      const meanwhile = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
      expect(meanwhile.statusCode).toBe(503);
      expect(meanwhile.json()).toMatchObject({ outcome: 'not-accepted', reason: 'broker-not-confirming' });

      const batch = await postJson(app, '/api/v1/orders/batch', { orders: [{ type: 'CHANGE', payload: EXAMPLE_PAYLOADS.CHANGE }] });
      expect(batch.json()).toMatchObject({ accepted: 0, unknown: 1, results: [{ index: 0, status: 'unknown', reason: 'confirm-timeout', idempotencyKey: expect.any(String) }] });
      const seed = await postJson(app, '/api/message', { 타입: 'TERMINATION', 내용: '해지 요청' });
      expect(seed.statusCode).toBe(504);
      expect(seed.json()).toMatchObject({ 성공: false, 세부정보: { 결과: '알 수 없음', 메시지아이디: expect.any(String), 멱등키: seed.headers['idempotency-key'] } });

      link.setMode({ kind: 'pass' });
      const resend = () => postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }, { 'idempotency-key': idempotencyKey });
      const resolved = await eventually(resend, (response) => response.statusCode === 202, { timeoutMs: 10_000, intervalMs: 250 });
      expect(resolved.json()).toMatchObject({ orderId, idempotencyKey });
      // The unknown one was stored after all, and so was every resend: all under one order id, which
      // the backend applies once. The order refused meanwhile was never published.
      const stored = (await probe.drain(names.queueFor('MNP'))).map((message) => message.properties.messageId);
      expect(stored.length).toBeGreaterThanOrEqual(2);
      expect(new Set(stored)).toEqual(new Set([orderId]));
    });
  });

  describe('with the broker unreachable', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await startApp({ RABBITMQ_URL: UNREACHABLE_BROKER_URL, QUEUE_NAME: uniqueTopology('producer-down').prefix });
    });
    afterAll(() => app.close());

    it('starts anyway, is live but not ready', async () => {
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ error: { broker: { status: 'down', connected: false } } });
    });

    it('answers 503 with Retry-After within a second, on every intake endpoint', async () => {
      const started = Date.now();
      const single = await postJson(app, '/api/v1/orders', { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
      const batch = await postJson(app, '/api/v1/orders/batch', { orders: [{ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }] });
      const seed = await postJson(app, '/api/message', { 타입: 'MNP', 내용: '요청' });
      const status = await app.inject({ method: 'GET', url: '/api/queue/status' });
      expect(Date.now() - started).toBeLessThan(1000);
      for (const response of [single, batch, seed, status]) {
        expect(response.statusCode).toBe(503);
        expect(response.headers['retry-after']).toBe('5');
      }
      expect(single.json()).toMatchObject({ outcome: 'not-accepted', reason: 'broker-unavailable' });
      expect(batch.json()).toMatchObject({ reason: 'broker-unavailable' });
      expect(seed.json()).toMatchObject({ 성공: false });
    });

    it('still validates first: a bad order is a 400, not a 503', async () => {
      expect((await postJson(app, '/api/v1/orders', { type: 'MNP', payload: {} })).statusCode).toBe(400);
    });
  });
});
