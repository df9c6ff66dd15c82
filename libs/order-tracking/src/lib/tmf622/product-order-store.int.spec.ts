import { OrderLifecycleEvent, OrderState } from '@bss/contracts';
import { randomBytes } from 'node:crypto';
import { CallbackStore } from '../callback-store';
import { renderByFormat, renderOrderStateCallback } from '../order-state-callback';
import { OrderTrackingStore } from '../order-tracking-store';
import { ProductOrderView } from './product-order-view';
import { NewProductOrder, ProductOrderConflictError, ProductOrderStore } from './product-order-store';
import { tmf622CallbackRenderer } from './tmf622-callback';

const DATABASE_URL = process.env['TRACKING_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bss_tmf622_test_${randomBytes(4).toString('hex')}`;
const tracking = OrderTrackingStore.connect(DATABASE_URL, schema);
const callbacks = new CallbackStore(tracking.pool, schema);
const productOrders = new ProductOrderStore(tracking.pool, schema);
const render = renderByFormat({ 'order-state': renderOrderStateCallback, tmf622: tmf622CallbackRenderer(schema) });

let clock = Date.parse('2026-12-01T10:00:00Z');
function event(orderId: string, state: OrderState, clientId = 'client-a'): OrderLifecycleEvent {
  clock += 1000;
  return { orderId, type: 'SUBSCRIPTION', state, at: new Date(clock).toISOString(), progress: { generation: 0, attempt: 1, deferrals: 0 }, clientId, correlationId: 'corr-po' };
}

function productOrder(id: string, orderIds: readonly string[], clientId = 'client-a'): NewProductOrder {
  return {
    id,
    clientId,
    externalId: `ext-${id}`,
    fields: { externalId: `ext-${id}`, relatedParty: [{ id: 'C00012345', name: '김민수', '@referredType': 'Individual' }] },
    orderDate: new Date(clock).toISOString(),
    items: orderIds.map((orderId, index) => ({
      itemId: String(index + 1),
      orderId,
      type: 'SUBSCRIPTION',
      item: {
        id: String(index + 1),
        action: 'add',
        productOffering: { id: 'mobile-subscription', name: 'Mobile line' },
        product: { productCharacteristic: [{ name: 'msisdn', value: '010-1234-5678' }, { name: 'planCode', value: '5G_STANDARD' }] },
      },
    })),
  };
}

/** A stored delivery's body: a ProductOrderStateChangeEvent here, or one of our own order-state events. */
interface DeliveredBody {
  readonly eventId: string;
  readonly eventType: string;
  readonly event: { readonly productOrder: ProductOrderView };
}

async function deliveries(): Promise<{ subscriptionId: string; orderId: string; eventId: string; body: DeliveredBody }[]> {
  const { rows } = await tracking.pool.query(`SELECT subscription_id, order_id, event_id, body FROM ${tracking.schema}.callback_deliveries ORDER BY id`);
  await tracking.pool.query(`DELETE FROM ${tracking.schema}.callback_deliveries`);
  return rows.map((row) => ({ subscriptionId: row.subscription_id, orderId: row.order_id, eventId: row.event_id, body: JSON.parse(row.body) }));
}

const tmfBodies = async (hubIds: readonly string[]) => (await deliveries()).filter((delivery) => hubIds.includes(delivery.subscriptionId));

beforeAll(() => productOrders.ready());
afterAll(async () => {
  await tracking.pool.query(`DROP SCHEMA ${tracking.schema} CASCADE`);
  await tracking.close();
});

describe('ProductOrderStore', () => {
  it('stores a product order masked, computes its state from its orders, and keeps it to its client', async () => {
    await productOrders.open(productOrder('po-1', ['o-1a', 'o-1b']));
    await productOrders.recordIntake('po-1', new Map([['1', 'accepted'], ['2', 'refused']]));

    const view = await productOrders.find('client-a', 'po-1');
    expect(view).toMatchObject({
      id: 'po-1',
      href: '/tmf-api/productOrderingManagement/v4/productOrder/po-1',
      '@type': 'ProductOrder',
      externalId: 'ext-po-1',
      state: 'pending',
      relatedParty: [{ id: 'C00012345', name: '김**', '@referredType': 'Individual' }],
    });
    expect(view?.productOrderItem.map((item) => [item.id, item.state])).toEqual([
      ['1', 'acknowledged'],
      ['2', 'pending'],
    ]);
    expect(view?.productOrderItem[0]['product']).toEqual({
      productCharacteristic: [{ name: 'msisdn', value: '010-****-5678' }, { name: 'planCode', value: '5G_STANDARD' }],
    });
    expect(await productOrders.find('client-b', 'po-1')).toBeUndefined();

    await tracking.apply([event('o-1a', 'in-progress'), event('o-1b', 'queued')]);
    await productOrders.recordIntake('po-1', new Map([['1', 'refused'], ['2', 'accepted']]));
    const later = await productOrders.find('client-a', 'po-1');
    expect(later?.state).toBe('inProgress');
    expect(later?.productOrderItem.map((item) => item.state)).toEqual(['inProgress', 'acknowledged']);
  });

  it('takes a resend with the same items, and refuses one with other items', async () => {
    expect((await productOrders.open(productOrder('po-1', ['o-1a', 'o-1b']))).created).toBe(false);
    await expect(productOrders.open(productOrder('po-1', ['o-1a', 'o-other']))).rejects.toBeInstanceOf(ProductOrderConflictError);
    await expect(productOrders.open(productOrder('po-1', ['o-1a', 'o-1b'], 'client-b'))).rejects.toBeInstanceOf(ProductOrderConflictError);
  });

  it('lists a client’s product orders newest first, filtered by state and paged', async () => {
    clock += 60_000;
    await productOrders.open(productOrder('po-2', ['o-2a']));
    await productOrders.recordIntake('po-2', new Map([['1', 'accepted']]));
    const all = await productOrders.list('client-a', { offset: 0, limit: 10 });
    expect([all.total, all.productOrders.map((order) => order.id)]).toEqual([2, ['po-2', 'po-1']]);
    const paged = await productOrders.list('client-a', { offset: 1, limit: 1 });
    expect([paged.total, paged.productOrders.map((order) => order.id)]).toEqual([2, ['po-1']]);
    const acknowledged = await productOrders.list('client-a', { state: 'acknowledged', offset: 0, limit: 10 });
    expect([acknowledged.total, acknowledged.productOrders.map((order) => order.id)]).toEqual([1, ['po-2']]);
    expect((await productOrders.list('client-b', { offset: 0, limit: 10 })).total).toBe(0);
  });
});

describe('tmf622CallbackRenderer', () => {
  it('announces each state change of a product order once per hub, honouring the hub query', async () => {
    const every = await callbacks.subscribe('client-a', 'http://127.0.0.1:1/every', 'tmf622', 'eventType=ProductOrderStateChangeEvent');
    const finished = await callbacks.subscribe('client-a', 'http://127.0.0.1:1/finished', 'tmf622', 'event.productOrder.state=completed,partial');
    const ours = await callbacks.subscribe('client-a', 'http://127.0.0.1:1/ours', 'order-state');
    const hubs = [every.id, finished.id];
    await productOrders.open(productOrder('po-3', ['o-3a', 'o-3b']));
    await productOrders.recordIntake('po-3', new Map([['1', 'accepted'], ['2', 'accepted']]));

    await tracking.apply([event('o-3a', 'accepted'), event('o-3a', 'queued'), event('o-3b', 'accepted'), event('o-3b', 'queued')], render);
    const first = await deliveries();
    expect(first.filter((delivery) => hubs.includes(delivery.subscriptionId))).toEqual([]);
    expect(first.filter((delivery) => delivery.subscriptionId === ours.id)).toHaveLength(4);

    await tracking.apply([event('o-3a', 'in-progress')], render);
    const started = await tmfBodies(hubs);
    expect(started).toEqual([{ subscriptionId: every.id, orderId: 'po-3', eventId: expect.stringMatching(/^[0-9a-f]{32}$/), body: expect.any(Object) }]);
    expect(started[0].body).toEqual({
      eventId: started[0].eventId,
      eventTime: expect.any(String),
      eventType: 'ProductOrderStateChangeEvent',
      correlationId: 'corr-po',
      event: { productOrder: expect.objectContaining({ id: 'po-3', state: 'inProgress', '@type': 'ProductOrder' }) },
    });
    expect(started[0].body.event.productOrder.productOrderItem.map((item) => item.state)).toEqual(['inProgress', 'acknowledged']);

    await tracking.apply([event('o-3b', 'in-progress')], render);
    await tracking.apply([event('o-3a', 'applied')], render);
    expect(await tmfBodies(hubs)).toEqual([]);

    await tracking.apply([event('o-3b', 'applied')], render);
    const completed = await tmfBodies(hubs);
    expect(completed.map((delivery) => [delivery.subscriptionId, delivery.body.event.productOrder.state])).toEqual([
      [every.id, 'completed'],
      [finished.id, 'completed'],
    ]);
    expect(completed[0].eventId).toBe(completed[1].eventId);
    expect(completed[0].eventId).not.toBe(started[0].eventId);
    expect(completed[0].body.event.productOrder.completionDate).toEqual(expect.any(String));

    await tracking.apply([event('o-3b', 'applied')], render);
    expect(await tmfBodies(hubs)).toEqual([]);
  });

  it('announces nothing for orders of no product order, nor to other clients’ hubs or hubs filtering the state out', async () => {
    await callbacks.subscribe('client-b', 'http://127.0.0.1:1/b', 'tmf622');
    await productOrders.open(productOrder('po-4', ['o-4a']));
    await tracking.apply([event('o-plain', 'in-progress'), event('o-4a', 'in-progress')], render);
    const tmf = (await deliveries()).filter((delivery) => delivery.body.eventType === 'ProductOrderStateChangeEvent');
    expect(tmf.map((delivery) => [delivery.orderId, delivery.body.event.productOrder.state])).toEqual([['po-4', 'inProgress']]);
    const { rows } = await tracking.pool.query(`SELECT DISTINCT s.client_id FROM ${tracking.schema}.callback_subscriptions s WHERE s.id = ANY($1)`, [
      tmf.map((delivery) => delivery.subscriptionId),
    ]);
    expect(rows.map((row) => row.client_id)).toEqual(['client-a']);
  });
});
