import { ORDER_TYPES, topologyNames } from '@bss/contracts';
import { DEFERRAL_DELAYS_MS } from './deferral-ladder';
import { ManagementClient } from './management-client';
import { deliveryLimitPolicies, ManagementPolicyWriter, PolicySpec, topologyPlan } from './topology';

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

describe('deliveryLimitPolicies', () => {
  const names = topologyNames('test.orders');

  it('lifts the delivery limit of the queues at the end of the line and of the delay queues on 4.x', () => {
    for (const version of ['4.0.5', '4.3.6']) {
      const [policy, ...others] = deliveryLimitPolicies(names, version);
      expect(others).toEqual([]);
      expect(policy).toMatchObject({ name: 'test.orders.no-delivery-limit', 'apply-to': 'queues', definition: { 'delivery-limit': -1 } });
      const pattern = new RegExp(policy.pattern);
      const unlimited = [names.deadLetterQueue, names.trackerQueue, names.retryQueueFor(1), names.retryQueueFor(12), ...DEFERRAL_DELAYS_MS.map((delayMs) => names.deferralQueueFor(delayMs))];
      for (const queue of unlimited) expect(queue).toMatch(pattern);
      const limited = [...ORDER_TYPES.map((type) => names.queueFor(type)), 'test.orders', 'test.ordersXdead', 'other.orders.dead', 'test.orders.dead.copy', 'test.orders.retry.x'];
      for (const queue of limited) expect(queue).not.toMatch(pattern);
    }
  });

  it('sets nothing on 3.10, which has no default limit and refuses -1', () => {
    expect(deliveryLimitPolicies(names, '3.10.8')).toEqual([]);
  });
});

describe('ManagementPolicyWriter', () => {
  const names = topologyNames('test.orders');

  function managementAnswering(version: string, failFirstPut = false) {
    const puts: string[] = [];
    const management = {
      brokerVersion: async () => version,
      putPolicy: async (policy: PolicySpec) => {
        if (failFirstPut && puts.length === 0) {
          puts.push('failed');
          throw new Error('management API: 503');
        }
        puts.push(policy.name);
      },
    } as unknown as ManagementClient;
    return { management, puts };
  }

  it('writes once for all the keepers of an app that share it', async () => {
    const { management, puts } = managementAnswering('4.3.6');
    const writer = new ManagementPolicyWriter(management);
    const [first, second] = await Promise.all([writer.apply(names), writer.apply(names)]);
    expect(await writer.apply(names)).toBe(first);
    expect(second).toBe(first);
    expect(puts).toEqual(['test.orders.no-delivery-limit']);
  });

  it('writes again after a failed write', async () => {
    const { management, puts } = managementAnswering('4.3.6', true);
    const writer = new ManagementPolicyWriter(management);
    await expect(writer.apply(names)).rejects.toThrow('503');
    await writer.apply(names);
    expect(puts).toEqual(['failed', 'test.orders.no-delivery-limit']);
  });
});
