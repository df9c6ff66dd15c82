import { topologyNames } from '@bss/contracts';
import { DEFERRAL_DELAYS_MS } from './deferral-ladder';
import { topologyPlan } from './topology';

describe('topologyPlan', () => {
  const names = topologyNames('test.orders');
  const plan = topologyPlan({ names, maxLength: 500, deliveryLimit: 5, retrySteps: 4, deferrals: true, types: ['MNP', 'CHANGE'] });

  it('has one delay queue per retry step, each dead-lettering back to the orders exchange', () => {
    const retryQueues = plan.queues.filter((queue) => queue.name.startsWith('test.orders.retry.'));
    expect(retryQueues.map((queue) => queue.name)).toEqual(['test.orders.retry.1', 'test.orders.retry.2', 'test.orders.retry.3', 'test.orders.retry.4']);
    for (const queue of retryQueues) expect(queue.arguments).toMatchObject({ 'x-dead-letter-exchange': 'test.orders', 'x-queue-type': 'quorum' });
    expect(plan.bindings).toContainEqual({ exchange: 'test.orders.retry.4', queue: 'test.orders.retry.4', routingKey: '' });
  });

  it('has one deferral queue per step of the ladder, its TTL in its arguments and its name', () => {
    const deferrals = plan.queues.filter((queue) => queue.name.startsWith('test.orders.deferral.'));
    expect(deferrals.map((queue) => [queue.name, queue.arguments['x-message-ttl']])).toEqual(DEFERRAL_DELAYS_MS.map((delayMs) => [`test.orders.deferral.${delayMs}ms`, delayMs]));
  });

  it('bounds each type queue and binds it by its routing key', () => {
    expect(plan.queues.find((queue) => queue.name === 'test.orders.mnp')?.arguments).toMatchObject({ 'x-max-length': 500, 'x-delivery-limit': 5, 'x-overflow': 'reject-publish' });
    expect(plan.bindings).toContainEqual({ exchange: 'test.orders', queue: 'test.orders.change', routingKey: 'order.change' });
    expect(plan.queues.some((queue) => queue.name === 'test.orders.subscription')).toBe(false);
  });

  it('routes every dead letter to the dead-letter queue', () => {
    expect(plan.exchanges).toEqual(expect.arrayContaining([{ name: 'test.orders', type: 'topic' }, { name: 'test.orders.dlx', type: 'fanout' }]));
    expect(plan.bindings).toContainEqual({ exchange: 'test.orders.dlx', queue: 'test.orders.dead', routingKey: '' });
  });
});
