import { randomUUID } from 'node:crypto';
import { BrokerProbe, eventually, uniqueTopology } from '../testing';
import { ManagementClient } from './management-client';
import { declareTopology, topologyPlan } from './topology';

const MANAGEMENT_URL = process.env['TEST_RABBITMQ_MANAGEMENT_URL'] ?? 'http://guest:guest@127.0.0.1:15672';
const DEAD_NODE_URL = 'http://guest:guest@127.0.0.1:1';

describe('ManagementClient on the real management API', () => {
  const names = uniqueTopology('management');
  const options = { names, maxLength: 100, deliveryLimit: 5, retrySteps: 2, deferrals: true, declare: true, types: ['MNP' as const] };
  let probe: BrokerProbe;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    await probe.onChannel((channel) => declareTopology(channel, options));
  });

  afterAll(async () => {
    await probe.deleteTopology(names);
    await probe.close();
  });

  it('skips a node that does not answer and reads the queues from the next', async () => {
    const client = new ManagementClient([DEAD_NODE_URL, MANAGEMENT_URL]);
    const queues = await client.queues(names.prefix);
    expect(queues.map((queue) => queue.name).sort()).toEqual(topologyPlan(options).queues.map((queue) => queue.name).sort());
    expect(await client.queue(names.queueFor('MNP'))).toMatchObject({ name: names.queueFor('MNP'), ready: 0, consumers: 0 });
    expect(await client.queue(`${names.prefix}.missing`)).toBeUndefined();
  });

  it('looks at message ids without taking the messages', async () => {
    const client = new ManagementClient([MANAGEMENT_URL]);
    const id = randomUUID();
    await probe.onChannel(async (channel) => {
      channel.publish(names.ordersExchange, names.routingKeyFor('MNP'), Buffer.from('{}'), { messageId: id, persistent: true });
    });
    await eventually(() => probe.messageCount(names.queueFor('MNP')), (count) => count === 1);
    expect(await client.peekMessageIds(names.queueFor('MNP'), 10)).toEqual([id]);
    expect(await probe.messageCount(names.queueFor('MNP'))).toBe(1);
  });

  it('deletes a plan and answers unreachable when no node does', async () => {
    const client = new ManagementClient([MANAGEMENT_URL]);
    await client.deleteTopology(topologyPlan(options));
    expect(await client.queues(names.prefix)).toEqual([]);
    expect(await new ManagementClient([DEAD_NODE_URL]).isReachable()).toBe(false);
    await expect(new ManagementClient([DEAD_NODE_URL]).queues(names.prefix)).rejects.toThrow(/management API: 127.0.0.1:1/);
  });
});
