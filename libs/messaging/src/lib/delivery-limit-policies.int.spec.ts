import amqplib from 'amqplib';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '../testing';
import { ManagementClient } from './management-client';
import { declareTopology, ManagementPolicyWriter, PolicySpec } from './topology';

const MANAGEMENT_URL = process.env['TEST_RABBITMQ_MANAGEMENT_URL'] ?? 'http://guest:guest@127.0.0.1:15672';
/** Past RabbitMQ 4.x's default delivery limit of a quorum queue (20). */
const FAILED_DELIVERIES = 25;

/** Delivers the queue's one message `times` times, handing it back as failed (basic.reject, which counts on every version). */
async function failDeliveries(queue: string, times: number): Promise<number> {
  const connection = await amqplib.connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    await channel.prefetch(1);
    let deliveries = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${deliveries} of ${times} deliveries in 20 s`)), 20_000);
      void channel.consume(queue, (message) => {
        if (!message) return;
        deliveries += 1;
        channel.reject(message, true);
        if (deliveries === times) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await channel.close();
    return deliveries;
  } finally {
    await connection.close();
  }
}

describe('delivery-limit policies on the real broker', () => {
  const names = uniqueTopology('policies');
  const options = { names, maxLength: 100, deliveryLimit: 3, retrySteps: 1, deferrals: true, declare: true, types: ['MNP' as const] };
  const management = new ManagementClient([MANAGEMENT_URL]);
  let probe: BrokerProbe;
  let written: readonly PolicySpec[] = [];
  let brokerVersion: string;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    brokerVersion = await management.brokerVersion();
    await probe.onChannel((channel) => declareTopology(channel, options));
    written = await new ManagementPolicyWriter(management).apply(names);
  });

  afterAll(async () => {
    for (const policy of written) await management.deletePolicy(policy.name);
    await probe.deleteTopology(names);
    await probe.close();
  });

  it('are set on 4.x (the broker takes -1) and not on 3.10 (which has no default limit)', () => {
    expect(written.map((policy) => policy.name)).toEqual(Number.parseInt(brokerVersion, 10) >= 4 ? [`${names.prefix}.no-delivery-limit`] : []);
  });

  it.each([
    ['dead-letter queue', () => names.deadLetterQueue],
    ["tracker's queue", () => names.trackerQueue],
  ])('keeps a message of the %s that failed more deliveries than any default limit', async (_, queueOf) => {
    const queue = queueOf();
    await probe.publishRaw(queue, Buffer.from('{"kept":true}'), {}, `kept-${queue}`);
    expect(await failDeliveries(queue, FAILED_DELIVERIES)).toBe(FAILED_DELIVERIES);
    const [kept, ...more] = await probe.drain(queue);
    expect(more).toEqual([]);
    expect(kept?.properties.messageId).toBe(`kept-${queue}`);
  });

  it("still dead-letters an order past its queue's own delivery limit", async () => {
    const queue = names.queueFor('MNP');
    await probe.publishRaw(queue, Buffer.from('{}'), {}, 'crash-looping');
    expect(await failDeliveries(queue, options.deliveryLimit + 1)).toBe(options.deliveryLimit + 1);
    const [dead] = await eventually(() => probe.drain(names.deadLetterQueue), (messages) => messages.length > 0);
    expect(dead?.properties.messageId).toBe('crash-looping');
    expect(dead?.properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
  });
});
