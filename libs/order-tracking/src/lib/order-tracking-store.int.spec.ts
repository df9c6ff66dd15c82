import { OrderLifecycleEvent, OrderProgress, OrderState } from '@bss/contracts';
import { randomBytes } from 'node:crypto';
import { CallbackStore } from './callback-store';
import { renderByFormat, renderOrderStateCallback } from './order-state-callback';
import { OrderTrackingStore } from './order-tracking-store';

const DATABASE_URL = process.env['TRACKING_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bss_tracking_test_${randomBytes(4).toString('hex')}`;
const store = OrderTrackingStore.connect(DATABASE_URL, schema);
const callbacks = new CallbackStore(store.pool, schema);
const render = renderByFormat({ 'order-state': renderOrderStateCallback });

let clock = Date.parse('2026-12-01T10:00:00Z');
function event(orderId: string, state: OrderState, progress: Partial<OrderProgress> = {}, extra: Partial<OrderLifecycleEvent> = {}): OrderLifecycleEvent {
  clock += 1000;
  return {
    orderId,
    type: 'MNP',
    state,
    at: new Date(clock).toISOString(),
    progress: { generation: 0, attempt: 1, deferrals: 0, ...progress },
    clientId: 'client-a',
    ...extra,
  };
}

beforeAll(() => store.migrate());
afterAll(async () => {
  await store.pool.query(`DROP SCHEMA ${store.schema} CASCADE`);
  await store.close();
});

describe('OrderTrackingStore', () => {
  it('keeps the latest state of the life, whatever order the events arrive in, and the whole timeline', async () => {
    const accepted = event('o-1', 'accepted', {}, { idempotencyKey: 'key-1', correlationId: 'corr-1', acceptedAt: new Date(clock).toISOString(), detail: { summary: { msisdn: '010-****-5678' } } });
    const queued = event('o-1', 'queued');
    const started = event('o-1', 'in-progress');
    const retrying = event('o-1', 'retrying', { attempt: 2 }, { detail: { reason: 'backend answered 503' } });
    const startedAgain = event('o-1', 'in-progress', { attempt: 2 });
    const applied = event('o-1', 'applied', { attempt: 2 });

    await store.apply([applied, started]);
    await store.apply([accepted, queued, retrying]);
    await store.apply([startedAgain, applied]);

    const order = await store.find('o-1');
    expect(order).toMatchObject({ state: 'applied', attempt: 2, final: true, idempotencyKey: 'key-1', correlationId: 'corr-1', clientId: 'client-a' });
    expect(order?.summary).toEqual({ msisdn: '010-****-5678' });
    expect(order?.timeline.map((entry) => `${entry.state}@${entry.attempt}`)).toEqual([
      'accepted@1',
      'queued@1',
      'in-progress@1',
      'retrying@2',
      'in-progress@2',
      'applied@2',
    ]);
    expect(order?.timeline[3].detail).toEqual({ reason: 'backend answered 503' });
  });

  it('reports as changes only the events that move an order forward, each once, in life order', async () => {
    const queued = event('o-2', 'queued');
    const started = event('o-2', 'in-progress');
    const applied = event('o-2', 'applied');
    expect((await store.apply([started, queued])).map((change) => change.event.state)).toEqual(['queued', 'in-progress']);
    expect(await store.apply([queued, started])).toEqual([]);
    expect((await store.apply([applied, applied])).map((change) => change.event.state)).toEqual(['applied']);
  });

  it('a replay opens a new generation: dead-lettered, then replayed and applied', async () => {
    await store.apply([event('o-3', 'queued'), event('o-3', 'in-progress'), event('o-3', 'dead-lettered', {}, { detail: { reason: 'backend-refused' } })]);
    expect((await store.find('o-3'))?.state).toBe('dead-lettered');
    await store.apply([event('o-3', 'applied', { generation: 1 }), event('o-3', 'replayed', { generation: 1 })]);
    const order = await store.find('o-3');
    expect(order?.state).toBe('applied');
    expect(order?.timeline.map((entry) => entry.state)).toEqual(['queued', 'in-progress', 'dead-lettered', 'replayed', 'applied']);
  });

  it('finds orders by idempotency key and correlation id, and counts what waits per type', async () => {
    await store.apply([event('o-4', 'queued', {}, { idempotencyKey: 'key-4', correlationId: 'corr-4', acceptedAt: '2026-12-01T09:00:00.000Z' })]);
    expect((await store.findByIdempotencyKey('key-4')).map((order) => order.orderId)).toEqual(['o-4']);
    expect((await store.findByCorrelationId('corr-4')).map((order) => order.orderId)).toEqual(['o-4']);
    const mnp = (await store.waiting()).find((waiting) => waiting.type === 'MNP');
    expect(mnp).toEqual({ type: 'MNP', waiting: 1, oldestAcceptedAt: '2026-12-01T09:00:00.000Z' });
  });

  it('queues one callback per change and hands out only the oldest pending one of each order', async () => {
    const subscription = await callbacks.subscribe('client-a', 'http://127.0.0.1:1/hook', 'order-state');
    await store.apply([event('o-5', 'queued'), event('o-5', 'in-progress'), event('o-6', 'queued')], render);
    await store.apply([event('o-5', 'in-progress')], render);

    const first = await callbacks.claimDue(10);
    expect(first.map((delivery) => [delivery.orderId, JSON.parse(delivery.body).order.state])).toEqual(
      expect.arrayContaining([
        ['o-5', 'queued'],
        ['o-6', 'queued'],
      ]),
    );
    expect(first).toHaveLength(2);
    expect(await callbacks.claimDue(10)).toEqual([]);

    const o5 = first.find((delivery) => delivery.orderId === 'o-5');
    await callbacks.failed(o5?.id ?? '', 'receiver answered 503', 0);
    const retried = await callbacks.claimDue(10);
    expect(retried.map((delivery) => JSON.parse(delivery.body).order.state)).toEqual(['queued']);
    await callbacks.delivered(retried[0].id);
    const next = await callbacks.claimDue(10);
    expect(next.map((delivery) => [delivery.orderId, JSON.parse(delivery.body).order.state])).toEqual([['o-5', 'in-progress']]);

    await callbacks.failed(next[0].id, 'receiver answered 500', undefined);
    expect((await callbacks.undeliverable()).map((failed) => [failed.orderId, failed.url, failed.lastError])).toEqual([
      ['o-5', subscription.url, 'receiver answered 500'],
    ]);
  });

  it('counts per type the orders that ended within a window', async () => {
    const finished = await store.finishedWithin(60);
    expect(finished.get('MNP')).toBe(3);
  });

  it('removes orders older than the retention, with their timelines', async () => {
    await store.apply([event('o-old', 'applied')]);
    await store.pool.query(`UPDATE ${store.schema}.orders SET updated_at = now() - interval '31 days' WHERE order_id = 'o-old'`);
    expect(await store.removeOlderThan(30)).toBe(1);
    expect(await store.find('o-old')).toBeUndefined();
    const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM ${store.schema}.order_events WHERE order_id = 'o-old'`);
    expect(rows[0].n).toBe(0);
    expect(await store.find('o-1')).toBeDefined();
  });
});
