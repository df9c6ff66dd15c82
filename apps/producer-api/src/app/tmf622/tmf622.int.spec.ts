import { EXAMPLE_PAYLOADS, OrderLifecycleEvent, TopologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { OrderTrackingStore } from '@bss/order-tracking';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { orderIdFor } from '../intake/order-id';
import { productOrderItem } from '../testing/tmf622-fixtures';
import { startProducerForTest, untilReady } from '../testing/producer-test-app';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const BASE = '/tmf-api/productOrderingManagement/v4';
const KEY = 'tmf-key-0123456789abcdef';
const OTHER_KEY = 'tmf-other-key-0123456789';

describe('TMF622 Product Ordering against the real broker and PostgreSQL', () => {
  const schema = `bss_tmf622_api_${randomBytes(4).toString('hex')}`;
  const tracking = OrderTrackingStore.connect(DATABASE_URL, schema);
  let probe: BrokerProbe;
  let app: NestFastifyApplication;
  let names: TopologyNames;

  const request = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, key = KEY) =>
    app.inject({ method, url, headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });

  const twoLines = (externalId: string) => ({
    externalId,
    priority: '1',
    relatedParty: [{ id: 'C00012345', name: '홍길동', role: 'customer', '@referredType': 'Individual' }],
    productOrderItem: [
      productOrderItem('1', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION),
      productOrderItem('2', 'add', 'mobile-port-in', EXAMPLE_PAYLOADS.MNP),
    ],
  });

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    names = uniqueTopology('tmf622');
    app = await startProducerForTest({
      RABBITMQ_URL: TEST_BROKER_URL,
      QUEUE_NAME: names.prefix,
      API_KEYS: `${KEY},${OTHER_KEY}`,
      BATCH_MAX_ITEMS: '5',
      TRACKING_DATABASE_URL: DATABASE_URL,
      TRACKING_DATABASE_SCHEMA: schema,
    });
    await untilReady(app);
  });
  afterAll(async () => {
    await app.close();
    await probe.deleteTopology(names);
    await tracking.pool.query(`DROP SCHEMA IF EXISTS ${tracking.schema} CASCADE`);
    await tracking.close();
    await probe.close();
  });

  it('creates a product order: 201 acknowledged, one order per item keyed by product order and item, masked', async () => {
    const response = await request('POST', `${BASE}/productOrder`, twoLines('shop-1:po-1'));
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      href: `${BASE}/productOrder/${created.id}`,
      '@type': 'ProductOrder',
      state: 'acknowledged',
      externalId: 'shop-1:po-1',
      priority: '1',
      orderDate: expect.any(String),
      relatedParty: [{ id: 'C00012345', name: '홍**', role: 'customer', '@referredType': 'Individual' }],
    });
    expect(created.productOrderItem.map((item: { id: string; state: string; '@type': string }) => [item.id, item.state, item['@type']])).toEqual([
      ['1', 'acknowledged', 'ProductOrderItem'],
      ['2', 'acknowledged', 'ProductOrderItem'],
    ]);
    expect(created.productOrderItem[0].product.productCharacteristic).toContainEqual({ name: 'msisdn', value: '010-****-5678' });
    expect(response.headers['location']).toBe(created.href);
    expect(response.headers['retry-after']).toBeUndefined();

    const [subscription] = await probe.drain(names.queueFor('SUBSCRIPTION'));
    const [port] = await probe.drain(names.queueFor('MNP'));
    const envelopes = [subscription, port].map((message) => JSON.parse(message.content.toString()));
    expect(envelopes.map((envelope) => [envelope.idempotencyKey, envelope.id])).toEqual([
      [`tmf622:${created.id}:1`, orderIdFor('SUBSCRIPTION', `tmf622:${created.id}:1`)],
      [`tmf622:${created.id}:2`, orderIdFor('MNP', `tmf622:${created.id}:2`)],
    ]);
    expect(envelopes[1].payload).toEqual(EXAMPLE_PAYLOADS.MNP);

    const resent = await request('POST', `${BASE}/productOrder`, twoLines('shop-1:po-1'));
    expect([resent.statusCode, resent.json().id]).toEqual([201, created.id]);
    expect(await probe.drain(names.queueFor('SUBSCRIPTION'))).toEqual([]);

    const changed = await request('POST', `${BASE}/productOrder`, { ...twoLines('shop-1:po-1'), productOrderItem: [twoLines('x').productOrderItem[0]] });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'conflict', status: '409', '@type': 'Error' });
  });

  it('reads a product order back with its state from its orders’ tracked states; another key’s is 404', async () => {
    const created = (await request('POST', `${BASE}/productOrder`, twoLines('shop-1:po-2'))).json();
    expect([(await probe.drain(names.queueFor('SUBSCRIPTION'))).length, (await probe.drain(names.queueFor('MNP'))).length]).toEqual([1, 1]);
    const orderOf = (itemId: string, type: 'SUBSCRIPTION' | 'MNP') => orderIdFor(type, `tmf622:${created.id}:${itemId}`);
    const event = (orderId: string, type: 'SUBSCRIPTION' | 'MNP', state: OrderLifecycleEvent['state']): OrderLifecycleEvent => ({
      orderId,
      type,
      state,
      at: new Date().toISOString(),
      progress: { generation: 0, attempt: 1, deferrals: 0 },
    });
    await tracking.apply([event(orderOf('1', 'SUBSCRIPTION'), 'SUBSCRIPTION', 'applied'), event(orderOf('2', 'MNP'), 'MNP', 'dead-lettered')]);

    const found = await request('GET', `${BASE}/productOrder/${created.id}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ id: created.id, state: 'held' });
    expect(found.json().productOrderItem.map((item: { state: string }) => item.state)).toEqual(['completed', 'held']);

    const selected = await request('GET', `${BASE}/productOrder/${created.id}?fields=state,priority`);
    expect(selected.json()).toEqual({ id: created.id, href: created.href, '@type': 'ProductOrder', state: 'held', priority: '1' });

    for (const response of [await request('GET', `${BASE}/productOrder/${created.id}`, undefined, OTHER_KEY), await request('GET', `${BASE}/productOrder/not-an-id`)]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ code: 'notFound', reason: 'Not found', message: expect.any(String), status: '404', '@type': 'Error' });
    }
  });

  it('lists the caller’s product orders with TMF counts, state filter, paging and attribute selection', async () => {
    const all = await request('GET', `${BASE}/productOrder?fields=state,externalId`);
    expect(all.statusCode).toBe(200);
    expect([all.headers['x-total-count'], all.headers['x-result-count']]).toEqual(['2', '2']);
    expect(all.json()).toEqual([
      { id: expect.any(String), href: expect.any(String), '@type': 'ProductOrder', externalId: 'shop-1:po-2', state: 'held' },
      { id: expect.any(String), href: expect.any(String), '@type': 'ProductOrder', externalId: 'shop-1:po-1', state: 'acknowledged' },
    ]);
    const held = await request('GET', `${BASE}/productOrder?state=held&limit=1`);
    expect([held.headers['x-total-count'], held.json().map((order: { externalId: string }) => order.externalId)]).toEqual(['1', ['shop-1:po-2']]);
    const second = await request('GET', `${BASE}/productOrder?offset=1&limit=1`);
    expect([second.headers['x-total-count'], second.headers['x-result-count'], second.json()[0].externalId]).toEqual(['2', '1', 'shop-1:po-1']);
    const other = await request('GET', `${BASE}/productOrder`, undefined, OTHER_KEY);
    expect([other.headers['x-total-count'], other.json()]).toEqual(['0', []]);
    const bad = await request('GET', `${BASE}/productOrder?state=done`);
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'invalidQuery']);
  });

  it('answers 400 in TMF’s Error shape naming each bad item, and queues nothing', async () => {
    const body = twoLines('shop-1:po-bad');
    body.productOrderItem[1] = productOrderItem('2', 'add', 'mobile-port-in', { ...EXAMPLE_PAYLOADS.MNP, msisdn: '12' });
    body.productOrderItem.push(productOrderItem('3', 'noChange', 'mobile-subscription', {}));
    const response = await request('POST', `${BASE}/productOrder`, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'invalidProductOrder',
      reason: 'Invalid product order: productOrderItem[1], productOrderItem[2] cannot be ordered as sent',
      message: expect.stringContaining('productOrderItem[1].product.productCharacteristic[msisdn]: msisdn must be'),
      status: '400',
      '@type': 'Error',
    });
    expect(response.json().message).toContain('productOrderItem[2].action: noChange items order nothing');
    expect(await probe.drain(names.queueFor('SUBSCRIPTION'))).toEqual([]);
    expect(await probe.drain(names.queueFor('MNP'))).toEqual([]);
    expect((await request('GET', `${BASE}/productOrder`)).headers['x-total-count']).toBe('2');
  });

  it('answers 401 without a key, in TMF’s Error shape', async () => {
    const response = await app.inject({ method: 'GET', url: `${BASE}/productOrder` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'unauthorized', status: '401', '@type': 'Error' });
  });

  it('registers and removes hub listeners, refusing bad callbacks and queries it cannot honour', async () => {
    const query = 'eventType=ProductOrderStateChangeEvent&event.productOrder.state=completed';
    const created = await request('POST', `${BASE}/hub`, { callback: 'https://client.example/listener', query });
    expect(created.statusCode).toBe(201);
    const hub = created.json();
    expect(hub).toEqual({ id: expect.any(String), callback: 'https://client.example/listener', query, secret: expect.stringMatching(/^whsec_/) });
    const { rows } = await tracking.pool.query(`SELECT format, query FROM ${tracking.schema}.callback_subscriptions WHERE id = $1`, [hub.id]);
    expect(rows).toEqual([{ format: 'tmf622', query }]);

    for (const body of [{ callback: 'ftp://client.example/x' }, { callback: 'https://client.example/x', query: 'eventType=ProductOrderCreateEvent' }, { url: 'https://x' }]) {
      const refused = await request('POST', `${BASE}/hub`, body);
      expect([refused.statusCode, refused.json().code, refused.json()['@type']]).toEqual([400, 'invalidHub', 'Error']);
    }

    expect((await request('DELETE', `${BASE}/hub/${hub.id}`, undefined, OTHER_KEY)).statusCode).toBe(404);
    expect((await request('DELETE', `${BASE}/hub/${hub.id}`)).statusCode).toBe(204);
    const again = await request('DELETE', `${BASE}/hub/${hub.id}`);
    expect([again.statusCode, again.json().code]).toEqual([404, 'notFound']);
  });
});

describe('TMF622 Product Ordering when the broker refuses some items', () => {
  const schema = `bss_tmf622_full_${randomBytes(4).toString('hex')}`;
  const tracking = OrderTrackingStore.connect(DATABASE_URL, schema);
  let probe: BrokerProbe;
  let app: NestFastifyApplication;
  let names: TopologyNames;
  const post = (url: string, body: unknown) => app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    names = uniqueTopology('tmf622-full');
    app = await startProducerForTest({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, QUEUE_MAX_LENGTH: '2', TRACKING_DATABASE_URL: DATABASE_URL, TRACKING_DATABASE_SCHEMA: schema });
    await untilReady(app);
  });
  afterAll(async () => {
    await app.close();
    await probe.deleteTopology(names);
    await tracking.pool.query(`DROP SCHEMA IF EXISTS ${tracking.schema} CASCADE`);
    await tracking.close();
    await probe.close();
  });

  it('stores a product order only once an item may be queued; a partial one is pending until resent', async () => {
    let refused = false;
    for (let index = 0; index < 8 && !refused; index += 1) {
      refused = (await post('/api/v1/orders', { type: 'SUBSCRIPTION', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION })).statusCode === 503;
    }
    expect(refused).toBe(true);

    const onlyFull = await post(`${BASE}/productOrder`, { externalId: 'full-1', productOrderItem: [productOrderItem('1', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION)] });
    expect(onlyFull.statusCode).toBe(503);
    expect(onlyFull.json()).toMatchObject({ code: 'notAccepted', status: '503', '@type': 'Error' });
    expect(onlyFull.headers['retry-after']).toBe('5');
    expect((await app.inject({ method: 'GET', url: `${BASE}/productOrder` })).headers['x-total-count']).toBe('0');

    const partial = { externalId: 'partial-1', productOrderItem: [productOrderItem('1', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION), productOrderItem('2', 'add', 'mobile-port-in', EXAMPLE_PAYLOADS.MNP)] };
    const first = await post(`${BASE}/productOrder`, partial);
    expect(first.statusCode).toBe(201);
    expect(first.headers['retry-after']).toBe('5');
    expect(first.json().state).toBe('pending');
    expect(first.json().productOrderItem.map((item: { state: string }) => item.state)).toEqual(['pending', 'acknowledged']);

    await probe.drain(names.queueFor('SUBSCRIPTION'));
    const resent = await eventually(async () => (await post(`${BASE}/productOrder`, partial)).json(), (body) => body.state === 'acknowledged');
    expect([resent.id, resent.productOrderItem.map((item: { state: string }) => item.state)]).toEqual([first.json().id, ['acknowledged', 'acknowledged']]);
    expect(await probe.messageCount(names.queueFor('MNP'))).toBe(1);
  });
});
