import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope, TopologyNames } from '@bss/contracts';
import type { Channel, GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '../testing';
import { BrokerConnection } from './broker-connection';
import { ConfirmedPublisher } from './confirmed-publisher';
import { ConsumedMessage, Disposition, OrderConsumer, OrderConsumerOptions } from './order-consumer';
import { TopologyOptions } from './topology';

const DELIVERY_LIMIT = 3;

/** Long enough for a redelivery the broker would still make after the dead letter to show up. */
const QUIET_MS = 500;

function envelope(): OrderEnvelope {
  return {
    id: randomUUID(),
    type: 'MNP',
    version: ENVELOPE_VERSION,
    acceptedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    origin: 'api',
    payload: EXAMPLE_PAYLOADS.MNP,
  };
}

/**
 * Whether the broker counts a `basic.nack` with requeue toward a quorum queue's delivery limit:
 * every version before 4.3 does (as it does a reject); 4.3 counts only rejects and lost deliveries.
 */
function nackCounts(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major < 4 || (major === 4 && minor < 3);
}

function deliveryCountOf(message: GetMessage): unknown {
  return message.properties.headers?.['x-delivery-count'];
}

describe('OrderConsumer: a delivery that cannot be settled ends in the dead-letter queue', () => {
  let probe: BrokerProbe;
  let brokerVersion: string;
  let names: TopologyNames;
  let topology: TopologyOptions;
  const connections: BrokerConnection[] = [];
  let settled: Disposition['kind'][];

  function connect(): BrokerConnection {
    const connection = new BrokerConnection({ urls: [TEST_BROKER_URL], clientName: 'settle-failure-int-test' });
    connections.push(connection);
    return connection;
  }

  /** Ready once it has declared the topology, which would undo what a test changed in it before. */
  async function readyPublisher(): Promise<ConfirmedPublisher> {
    const publisher = new ConfirmedPublisher(connect(), { topology, confirmTimeoutMs: 2000 });
    await eventually(async () => publisher.isReady(), Boolean);
    return publisher;
  }

  async function consumeWith(handle: (message: ConsumedMessage) => Promise<Disposition>, options: Partial<OrderConsumerOptions> = {}): Promise<OrderConsumer> {
    const consumer = new OrderConsumer(connect(), {
      queue: names.queueFor('MNP'),
      prefetch: 1,
      topology,
      retryRoutingKey: names.routingKeyFor('MNP'),
      ...options,
      handle: async (message) => ({ disposition: await handle(message), onSettled: (done) => settled.push(done.kind) }),
    });
    consumer.start();
    await eventually(async () => consumer.isConsuming(), Boolean);
    return consumer;
  }

  async function deadLetterOf(order: OrderEnvelope): Promise<GetMessage> {
    const letters = await eventually(() => probe.drain(names.deadLetterQueue), (messages) => messages.length > 0);
    expect(letters.map((letter) => letter.properties.messageId)).toEqual([order.id]);
    return letters[0];
  }

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    brokerVersion = await probe.onChannel(async (channel) => channel.connection.serverProperties.version);
  });

  beforeEach(() => {
    names = uniqueTopology('settle-failure');
    topology = { names, maxLength: 100, deliveryLimit: DELIVERY_LIMIT, retrySteps: 1, deferrals: false, declare: true, types: ['MNP'] };
    settled = [];
  });

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await probe.deleteTopology(names);
  });

  afterAll(async () => {
    await probe.close();
  });

  it.each([
    {
      refusal: 'no queue takes',
      // The mandatory copy comes back unroutable: refused on a channel that stays open.
      refuse: (channel: Channel) => channel.unbindQueue(names.retryQueueFor(1), names.retryExchangeFor(1), ''),
      ownPublishConnection: false,
    },
    {
      refusal: 'has no exchange any more',
      // Publishing to a missing exchange closes the channel and reconnects its connection: on a connection
      // of its own, which declares no topology, the exchange stays gone and the consuming channel stays open.
      refuse: (channel: Channel) => channel.deleteExchange(names.retryExchangeFor(1)),
      ownPublishConnection: true,
    },
  ])('dead-letters an order whose retry $refusal after delivery-limit + 1 deliveries', async ({ refuse, ownPublishConnection }) => {
    const publisher = await readyPublisher();
    let deliveries = 0;
    const consumer = await consumeWith(
      async () => {
        deliveries += 1;
        return { kind: 'retry', step: 1, delayMs: 100, error: 'backend answered 503' };
      },
      ownPublishConnection ? { publishConnection: connect() } : {},
    );
    await probe.onChannel(refuse);
    const order = envelope();
    await publisher.publishOrder(order);

    const letter = await deadLetterOf(order);
    await sleep(QUIET_MS);
    expect(deliveries).toBe(DELIVERY_LIMIT + 1);
    expect(settled).toEqual(Array.from({ length: DELIVERY_LIMIT + 1 }, () => 'requeue'));
    expect(letter.properties.headers).toMatchObject({ 'x-first-death-reason': 'delivery_limit', 'x-first-death-queue': names.queueFor('MNP') });
    expect(await probe.messageCount(names.queueFor('MNP'))).toBe(0);
    // A publishing connection of its own may be reconnecting just now: stop() must return all the same.
    await consumer.stop(1000);
  });

  it('dead-letters an order whose handler keeps throwing after delivery-limit + 1 deliveries', async () => {
    const publisher = await readyPublisher();
    let deliveries = 0;
    const consumer = await consumeWith(async () => {
      deliveries += 1;
      throw new Error('handler bug');
    });
    const order = envelope();
    await publisher.publishOrder(order);

    const letter = await deadLetterOf(order);
    await sleep(QUIET_MS);
    expect(deliveries).toBe(DELIVERY_LIMIT + 1);
    expect(letter.properties.headers).toMatchObject({ 'x-first-death-reason': 'delivery_limit', 'x-first-death-queue': names.queueFor('MNP') });
    expect(await probe.messageCount(names.queueFor('MNP'))).toBe(0);
    await consumer.stop(1000);
  });

  it('hands back what is in flight when the grace ends without spending an attempt where the broker allows it', async () => {
    const publisher = await readyPublisher();
    let release: () => void = () => undefined;
    const handlerDone = new Promise<void>((resolve) => (release = resolve));
    let deliveries = 0;
    const consumer = await consumeWith(async () => {
      deliveries += 1;
      await handlerDone;
      return { kind: 'ack' };
    });
    const order = envelope();
    await publisher.publishOrder(order);
    await eventually(async () => deliveries, (count) => count === 1);

    expect(await consumer.stop(300)).toEqual({ finished: false, handedBack: 1 });
    // The handler ends after its delivery was handed back: neither acked nor reported.
    release();
    await eventually(async () => consumer.inFlightCount(), (count) => count === 0);
    expect(settled).toEqual([]);

    const [handedBack] = await eventually(() => probe.drain(names.queueFor('MNP')), (messages) => messages.length === 1);
    expect(handedBack.properties.messageId).toBe(order.id);
    expect(handedBack.fields.redelivered).toBe(true);
    if (nackCounts(brokerVersion)) expect(deliveryCountOf(handedBack)).toBe(1);
    // Absent: a channel closed holding the delivery would have made it 1.
    else expect(deliveryCountOf(handedBack)).toBeUndefined();
  });
});
