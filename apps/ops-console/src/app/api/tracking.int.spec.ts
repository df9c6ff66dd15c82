import { OrderLifecycleEvent, OrderState } from '@bss/contracts';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { createLogger } from '@bss/observability';
import { CallbackStore, OrderTrackingStore, renderByFormat, renderOrderStateCallback } from '@bss/order-tracking';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createOpsApp } from '../create-ops-app';
import { loadOpsConfig } from '../ops-config';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Nothing listens there: the tracking store is down from the start. */
const UNREACHABLE_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/test';
const VIEWER = `viewer-${randomUUID()}`;

interface Estimate {
  seconds: number | null;
  reason?: string;
}
interface TypeShown {
  type: string;
  ready: number;
  backlog: { waitingOrders: number | null; oldestAge: Estimate; drainTime: Estimate };
}

async function startApp(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = loadOpsConfig({ RABBITMQ_URL: TEST_BROKER_URL, DATABASE_URL, OPS_VIEWER_TOKENS: VIEWER, SAMPLE_INTERVAL_MS: '200', ...env });
  const app = await createOpsApp(config, createLogger({ service: 'ops-console-test', level: 'silent', destination: silent }), join(__dirname, '../../public'));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function dropSchemas(...schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

const viewer = { authorization: `Bearer ${VIEWER}` };

async function get(app: NestFastifyApplication, url: string, headers: Record<string, string> = viewer) {
  return app.inject({ method: 'GET', url, headers });
}

async function overviewOf(app: NestFastifyApplication, type: string): Promise<TypeShown & { problems: string[] }> {
  const overview = (await get(app, '/api/v1/overview')).json() as { types: TypeShown[]; problems: string[] };
  return { ...(overview.types.find((shown) => shown.type === type) as TypeShown), problems: overview.problems };
}

describe('ops-console finding orders and callbacks in the tracking store', () => {
  const names = uniqueTopology('ops-track');
  const schema = `test_ops_${randomUUID().slice(0, 8)}`;
  const trackingSchema = `test_ops_tracking_${randomUUID().slice(0, 8)}`;
  const tracking = OrderTrackingStore.connect(DATABASE_URL, trackingSchema);
  const callbacks = new CallbackStore(tracking.pool, trackingSchema);
  const waitingId = randomUUID();
  const appliedId = randomUUID();
  const correlationId = `corr-${randomUUID()}`;
  const idempotencyKey = `key-${randomUUID()}`;
  const acceptedAt = new Date(Date.now() - 90_000).toISOString();
  let probe: BrokerProbe;
  let app: NestFastifyApplication;

  const event = (orderId: string, state: OrderState, attempt = 1, extra: Partial<OrderLifecycleEvent> = {}): OrderLifecycleEvent => ({
    orderId,
    type: 'MNP',
    state,
    at: new Date().toISOString(),
    progress: { generation: 0, attempt, deferrals: 0 },
    clientId: 'client-a',
    correlationId,
    ...extra,
  });

  beforeAll(async () => {
    await tracking.migrate();
    // What the tracker would have recorded: one order still queued, one applied on its second attempt
    // whose client's callback receiver never answered.
    await tracking.apply([
      event(waitingId, 'accepted', 1, { idempotencyKey, acceptedAt, detail: { summary: { msisdn: '010-****-5678' } } }),
      event(waitingId, 'queued'),
    ]);
    await callbacks.subscribe('client-a', 'http://127.0.0.1:1/hook', 'order-state');
    await tracking.apply(
      [
        event(appliedId, 'accepted', 1, { acceptedAt: new Date().toISOString() }),
        event(appliedId, 'queued'),
        event(appliedId, 'in-progress'),
        event(appliedId, 'retrying', 2, { detail: { reason: 'backend answered 503' } }),
        event(appliedId, 'in-progress', 2),
        event(appliedId, 'applied', 2),
      ],
      renderByFormat({ 'order-state': renderOrderStateCallback }),
    );
    const [head] = (await callbacks.claimDue(10)).filter((delivery) => delivery.orderId === appliedId);
    await callbacks.failed(head.id, 'receiver answered 500', undefined);

    probe = await BrokerProbe.connect();
    app = await startApp({ QUEUE_NAME: names.prefix, DATABASE_SCHEMA: schema, TRACKING_DATABASE_SCHEMA: trackingSchema });
  });

  afterAll(async () => {
    await app.close();
    await tracking.close();
    await probe.deleteTopology(names);
    await probe.close();
    await dropSchemas(schema, trackingSchema);
  });

  it('finds an order by its id, with its whole timeline and how it matched', async () => {
    const response = await get(app, `/api/v1/orders?q=${appliedId}`);
    expect(response.statusCode).toBe(200);
    const [order] = response.json().orders;
    expect(order).toMatchObject({ orderId: appliedId, state: 'applied', attempt: 2, final: true, correlationId, matchedBy: ['orderId'] });
    expect(order.timeline.map((entry: { state: string; attempt: number }) => `${entry.state}@${entry.attempt}`)).toEqual([
      'accepted@1',
      'queued@1',
      'in-progress@1',
      'retrying@2',
      'in-progress@2',
      'applied@2',
    ]);
    expect(order.timeline[3].detail).toEqual({ reason: 'backend answered 503' });
  });

  it('finds every order of a correlation id, and one by its idempotency key, spaces around the text ignored', async () => {
    const byCorrelation = (await get(app, `/api/v1/orders?q=${correlationId}`)).json();
    expect(byCorrelation.orders.map((order: { orderId: string }) => order.orderId).sort()).toEqual([waitingId, appliedId].sort());
    const byKey = (await get(app, `/api/v1/orders?q=%20${idempotencyKey}%20`)).json();
    expect(byKey).toMatchObject({ q: idempotencyKey, orders: [{ orderId: waitingId, state: 'queued', matchedBy: ['idempotencyKey'], summary: { msisdn: '010-****-5678' } }] });
    expect((await get(app, `/api/v1/orders?q=nothing-${randomUUID()}`)).json().orders).toEqual([]);
  });

  it('needs a token, and a search text', async () => {
    expect((await get(app, `/api/v1/orders?q=${waitingId}`, {})).statusCode).toBe(401);
    expect((await get(app, '/api/v1/callbacks/undeliverable', {})).statusCode).toBe(401);
    expect((await get(app, '/api/v1/orders')).statusCode).toBe(400);
    expect((await get(app, '/api/v1/orders?q=%20%20')).statusCode).toBe(400);
    expect((await get(app, `/api/v1/orders?q=${'x'.repeat(201)}`)).statusCode).toBe(400);
  });

  it('lists callbacks given up, with where they went and why', async () => {
    const body = (await get(app, '/api/v1/callbacks/undeliverable')).json();
    expect(body.items).toEqual([
      expect.objectContaining({ orderId: appliedId, clientId: 'client-a', url: 'http://127.0.0.1:1/hook', attempts: 1, lastError: 'receiver answered 500' }),
    ]);
    expect(body.counts).toMatchObject({ undeliverable: 1 });
    expect(body.items[0]).not.toHaveProperty('secret');
  });

  it('shows the age of the oldest waiting order per type in the overview and on /metrics', async () => {
    const mnp = await eventually(() => overviewOf(app, 'MNP'), (shown) => shown.backlog.waitingOrders === 1);
    expect(mnp.backlog.oldestAge.seconds).toBeGreaterThanOrEqual(90);
    expect(mnp.backlog.oldestAge.seconds).toBeLessThan(200);
    expect(mnp.backlog.drainTime).toEqual({ seconds: 0 });
    expect((await overviewOf(app, 'CHANGE')).backlog).toMatchObject({ waitingOrders: 0, oldestAge: { seconds: 0 } });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/bss_backlog_oldest_age_seconds\{type="MNP"\} (9\d|1\d\d)(\.\d)?\n/);
    expect(metrics).toContain('bss_backlog_drain_seconds{type="MNP"} 0');
  });
});

describe('ops-console with the tracking store down', () => {
  const names = uniqueTopology('ops-track-down');
  const schema = `test_ops_${randomUUID().slice(0, 8)}`;
  let probe: BrokerProbe;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    app = await startApp({ QUEUE_NAME: names.prefix, DATABASE_SCHEMA: schema, TRACKING_DATABASE_URL: UNREACHABLE_DATABASE_URL });
    await eventually(async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode, (code) => code === 200);
  });

  afterAll(async () => {
    await app.close();
    await probe.deleteTopology(names);
    await probe.close();
    await dropSchemas(schema);
  });

  it('keeps the queue figures, says the age is unknown and why, and answers 503 to searches', async () => {
    await probe.publishRaw(names.queueFor('MNP'), Buffer.from('{}'));
    const mnp = await eventually(() => overviewOf(app, 'MNP'), (shown) => shown.ready === 1);
    expect(mnp.backlog).toMatchObject({ waitingOrders: null, oldestAge: { seconds: null, reason: 'tracking store unavailable' } });
    expect(mnp.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^tracking store: .*ECONNREFUSED/)]));
    const search = await get(app, '/api/v1/orders?q=anything');
    expect(search.statusCode).toBe(503);
    expect(search.json().message).toMatch(/order tracking store is unavailable/);
    expect((await get(app, '/api/v1/callbacks/undeliverable')).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/bss_backlog_oldest_age_seconds\{type="MNP"\} NaN/i);
   }, 30_000);
});
