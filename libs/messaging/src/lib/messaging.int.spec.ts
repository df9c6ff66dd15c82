import { EXAMPLE_PAYLOADS, ENVELOPE_VERSION, OrderEnvelope, ORDER_HEADERS, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerProbe, FaultyLink, TEST_BROKER_URL, UNREACHABLE_BROKER_URL, eventually, uniqueTopology } from '../testing';
import { randomUUID } from 'node:crypto';
import { BrokerConnection, BrokerConnectionOptions } from './broker-connection';
import { ConfirmedPublisher } from './confirmed-publisher';
import { isPublishFailure, PublishOutcomeUnknownError, PublishRefusedError } from './errors';
import { ConsumedMessage, DEAD_LETTER_HEADERS, Disposition, OrderConsumer, OrderConsumerOptions } from './order-consumer';
import { inspectQueues } from './queue-inspector';
import { DEFERRAL_DELAYS_MS } from './deferral-ladder';
import { declareTopology, deferralQueueArguments, orderQueueArguments, TopologyOptions } from './topology';

function envelopeOf(type: OrderType): OrderEnvelope {
  return {
    id: randomUUID(),
    type,
    version: ENVELOPE_VERSION,
    acceptedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    origin: 'api',
    payload: EXAMPLE_PAYLOADS[type],
  };
}

describe('messaging against the real broker', () => {
  let probe: BrokerProbe;
  let names: TopologyNames;
  let topology: TopologyOptions;
  const connections: BrokerConnection[] = [];

  function connect(url = TEST_BROKER_URL, options: Partial<BrokerConnectionOptions> = {}): BrokerConnection {
    const connection = new BrokerConnection({ urls: [url], clientName: 'messaging-int-test', ...options });
    connections.push(connection);
    return connection;
  }

  async function readyPublisher(options: Partial<TopologyOptions> = {}, connection = connect(), confirmTimeoutMs = 2000): Promise<ConfirmedPublisher> {
    const publisher = new ConfirmedPublisher(connection, { topology: { ...topology, ...options }, confirmTimeoutMs });
    await eventually(async () => publisher.isReady(), Boolean);
    expect(publisher.isReady()).toBe(true);
    return publisher;
  }

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });

  beforeEach(() => {
    names = uniqueTopology('messaging');
    topology = { names, maxLength: 1000, deliveryLimit: 5, retrySteps: 2, deferrals: true, declare: true };
  });

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await probe.deleteTopology(names);
  });

  afterAll(async () => {
    await probe.close();
  });

  it('declares quorum queues with the expected arguments, and redeclaring is harmless', async () => {
    await probe.onChannel((channel) => declareTopology(channel, topology));
    await probe.onChannel((channel) => declareTopology(channel, topology));

    const queue = names.queueFor('MNP');
    expect(orderQueueArguments(topology)).toEqual({
      'x-queue-type': 'quorum',
      'x-max-length': 1000,
      'x-overflow': 'reject-publish',
      'x-dead-letter-exchange': names.deadLetterExchange,
      'x-dead-letter-strategy': 'at-least-once',
      'x-delivery-limit': 5,
    });
    const redeclareWith = (changes: Record<string, unknown>) =>
      probe.onChannel((channel) =>
        channel.assertQueue(queue, { durable: true, arguments: { ...orderQueueArguments(topology), ...changes } }),
      );
    await expect(redeclareWith({})).resolves.toMatchObject({ queue });
    await expect(redeclareWith({ 'x-max-length': 999 })).rejects.toThrow(/PRECONDITION_FAILED.*x-max-length/);
    await expect(redeclareWith({ 'x-queue-type': 'classic' })).rejects.toThrow(/PRECONDITION_FAILED.*x-queue-type/);
    await expect(redeclareWith({ 'x-overflow': 'drop-head' })).rejects.toThrow(/PRECONDITION_FAILED.*x-overflow/);
  });

  it('declares one deferral queue per step with the TTL on the queue, so another step is another queue, never a conflict', async () => {
    await probe.onChannel((channel) => declareTopology(channel, topology));
    expect(deferralQueueArguments(topology, 5000)).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 5000,
      'x-dead-letter-exchange': names.ordersExchange,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    for (const delayMs of DEFERRAL_DELAYS_MS) {
      const queue = names.deferralQueueFor(delayMs);
      await expect(
        probe.onChannel((channel) => channel.assertQueue(queue, { durable: true, arguments: deferralQueueArguments(topology, delayMs) })),
      ).resolves.toMatchObject({ queue, messageCount: 0 });
    }
    const stepOf5s = names.deferralQueueFor(5000);
    await expect(
      probe.onChannel((channel) => channel.assertQueue(stepOf5s, { durable: true, arguments: deferralQueueArguments(topology, 6000) })),
    ).rejects.toThrow(/PRECONDITION_FAILED.*x-message-ttl/);
  });

  it('confirms a published order and routes it to its type queue only, with our headers', async () => {
    const publisher = await readyPublisher();
    const envelope = envelopeOf('MNP');
    await publisher.publishOrder(envelope);

    const [message] = await probe.drain(names.queueFor('MNP'));
    expect(JSON.parse(message.content.toString())).toEqual(envelope);
    expect(message.properties).toMatchObject({
      messageId: envelope.id,
      type: 'MNP',
      contentType: 'application/json',
      deliveryMode: 2,
      correlationId: envelope.correlationId,
    });
    expect(message.properties.headers).toMatchObject({
      [ORDER_HEADERS.attempt]: 1,
      [ORDER_HEADERS.correlationId]: envelope.correlationId,
    });
    expect(await probe.messageCount(names.queueFor('SUBSCRIPTION'))).toBe(0);
  });

  it('pipelines concurrent publishes on the confirm channels', async () => {
    const publisher = await readyPublisher();
    await Promise.all(Array.from({ length: 500 }, (_, index) => publisher.publishOrder(envelopeOf(index % 2 ? 'CHANGE' : 'TERMINATION'))));
    const depths = await inspectQueues(connections[0], [names.queueFor('CHANGE'), names.queueFor('TERMINATION')]);
    expect(depths.map((depth) => depth.messages)).toEqual([250, 250]);
  });

  it('turns the nack of a full queue into a queue-full refusal and keeps what it had', async () => {
    const maxLength = 2;
    const publisher = await readyPublisher({ maxLength });
    const outcomes: string[] = [];
    for (let index = 0; index < maxLength + 2; index += 1) {
      outcomes.push(
        await publisher.publishOrder(envelopeOf('SUBSCRIPTION')).then(
          () => 'confirmed',
          (error) => (error instanceof PublishRefusedError && error.reason === 'queue-full' ? 'rejected' : `failed: ${error}`),
        ),
      );
    }
    // A quorum queue enters its reject-publish state once it is at the limit, which on 3.10 is
    // seen one message late; the bound is therefore max-length + 1.
    expect(outcomes.slice(0, maxLength)).toEqual(['confirmed', 'confirmed']);
    expect(outcomes.at(-1)).toBe('rejected');
    const stored = await probe.messageCount(names.queueFor('SUBSCRIPTION'));
    expect(stored).toBe(outcomes.filter((outcome) => outcome === 'confirmed').length);
    expect(stored).toBeLessThanOrEqual(maxLength + 1);
    await expect(publisher.publishOrder(envelopeOf('MNP'))).resolves.toBeUndefined();
  });

  it('refuses at once, having sent nothing, while the broker is unreachable', async () => {
    const publisher = new ConfirmedPublisher(connect(UNREACHABLE_BROKER_URL), { topology, confirmTimeoutMs: 1000 });
    const started = Date.now();
    await expect(publisher.publishOrder(envelopeOf('MNP'))).rejects.toMatchObject({ name: 'PublishRefusedError', reason: 'broker-unavailable' });
    expect(Date.now() - started).toBeLessThan(500);
    expect(publisher.readiness()).toEqual({ ready: false, reason: 'the message broker is not connected' });
  });

  it('refuses an order no queue is bound for instead of taking the broker\'s ack of a dropped message as stored', async () => {
    const publisher = await readyPublisher({ types: ['MNP'] });
    await expect(publisher.publishOrder(envelopeOf('SUBSCRIPTION'))).rejects.toMatchObject({ name: 'PublishRefusedError', reason: 'unroutable' });
    await expect(publisher.publishOrder(envelopeOf('MNP'))).resolves.toBeUndefined();
  });

  it('connects to the first live address of several', async () => {
    const publisher = await readyPublisher({}, connect(UNREACHABLE_BROKER_URL, { urls: [UNREACHABLE_BROKER_URL, TEST_BROKER_URL], firstUrlIndex: 0 }));
    await expect(publisher.publishOrder(envelopeOf('MNP'))).resolves.toBeUndefined();
  });

  describe('through a link that slows down or freezes what the broker sends', () => {
    let link: FaultyLink;

    beforeEach(async () => {
      const { hostname, port } = new URL(TEST_BROKER_URL);
      link = await FaultyLink.open({ host: hostname, port: Number(port || 5672) });
    });

    afterEach(async () => {
      await link.close();
    });

    it('answers "unknown" for a confirm later than the deadline, refuses the type until it comes, and never calls a stored order refused', async () => {
      const publisher = await readyPublisher({}, connect(link.urlFor(TEST_BROKER_URL)), 300);
      link.setMode({ kind: 'delay', ms: 1000 });
      const late = envelopeOf('MNP');
      await expect(publisher.publishOrder(late)).rejects.toMatchObject({ name: 'PublishOutcomeUnknownError', reason: 'confirm-timeout' });
      const started = Date.now();
      await expect(publisher.publishOrder(envelopeOf('MNP'))).rejects.toMatchObject({ name: 'PublishRefusedError', reason: 'broker-not-confirming' });
      expect(Date.now() - started).toBeLessThan(100);
      link.setMode({ kind: 'pass' });
      await eventually(async () => publisher.publishOrder(envelopeOf('MNP')).then(() => true, () => false), Boolean, { timeoutMs: 5000 });
      const stored = (await probe.drain(names.queueFor('MNP'))).map((message) => message.properties.messageId);
      expect(stored).toContain(late.id);
    });

    it('notices a node that hangs without closing its socket and moves to the next address', async () => {
      const connection = connect(TEST_BROKER_URL, { urls: [link.urlFor(TEST_BROKER_URL), TEST_BROKER_URL], heartbeatSeconds: 1, firstUrlIndex: 0 });
      const publisher = await readyPublisher({}, connection);
      expect(link.connectionCount()).toBe(1);
      link.setMode({ kind: 'frozen' });
      const unknown = await publisher.publishOrder(envelopeOf('MNP')).catch((error: Error) => error);
      expect(unknown).toBeInstanceOf(PublishOutcomeUnknownError);
      const frozenAt = Date.now();
      await eventually(async () => publisher.publishOrder(envelopeOf('MNP')).then(() => true, () => false), Boolean, { timeoutMs: 10_000, intervalMs: 200 });
      expect(Date.now() - frozenAt).toBeLessThan(6000);
      expect(link.connectionCount()).toBe(0);
    });
  });

  it('recovers by itself when a channel error closes its channel (the exchange was deleted)', async () => {
    const publisher = await readyPublisher();
    await probe.onChannel((channel) => channel.deleteExchange(names.ordersExchange));
    const failure = await publisher.publishOrder(envelopeOf('MNP')).then(() => 'confirmed', (error: Error) => error);
    expect(isPublishFailure(failure)).toBe(true);
    const confirmed = await eventually(() => publisher.publishOrder(envelopeOf('MNP')).then(() => true, () => false), Boolean, { timeoutMs: 10_000, intervalMs: 200 });
    expect(confirmed).toBe(true);
    expect(await probe.messageCount(names.queueFor('MNP'))).toBeGreaterThanOrEqual(1);
  });

  it('reports queue depth and consumers, and a missing queue as missing', async () => {
    const publisher = await readyPublisher();
    await publisher.publishOrder(envelopeOf('CHANGE'));
    const depths = await inspectQueues(connections[0], [names.queueFor('CHANGE'), `${names.prefix}.nope`]);
    expect(depths).toEqual([
      { queue: names.queueFor('CHANGE'), messages: 1, consumers: 0, exists: true },
      { queue: `${names.prefix}.nope`, messages: 0, consumers: 0, exists: false },
    ]);
    await publisher.publishOrder(envelopeOf('CHANGE'));
  });

  it('reads the queues after a missing one on a fresh channel', async () => {
    await readyPublisher();
    const depths = await inspectQueues(connections[0], [`${names.prefix}.nope`, names.queueFor('SUBSCRIPTION'), `${names.prefix}.nope2`, names.queueFor('MNP')]);
    expect(depths.map((depth) => [depth.queue, depth.exists])).toEqual([
      [`${names.prefix}.nope`, false],
      [names.queueFor('SUBSCRIPTION'), true],
      [`${names.prefix}.nope2`, false],
      [names.queueFor('MNP'), true],
    ]);
  });

  describe('OrderConsumer', () => {
    /** What the consumer reported settled, per message id, in order: the tests' view of the metrics' source. */
    let settled: { messageId: string; done: Disposition['kind'] }[];

    beforeEach(() => {
      settled = [];
    });

    async function consumeWith(handle: (message: ConsumedMessage) => Promise<Disposition>, prefetch = 10, options: Partial<OrderConsumerOptions> = {}) {
      const consumer = new OrderConsumer(connect(), {
        queue: names.queueFor('MNP'),
        prefetch,
        topology,
        retryRoutingKey: names.routingKeyFor('MNP'),
        ...options,
        handle: async (message) => ({
          disposition: await handle(message),
          onSettled: (done) => settled.push({ messageId: message.messageId ?? '', done: done.kind }),
        }),
      });
      consumer.start();
      await eventually(async () => consumer.isConsuming(), Boolean);
      return consumer;
    }

    it('acks handled messages and never holds more than prefetch at once', async () => {
      const publisher = await readyPublisher();
      let active = 0;
      let peak = 0;
      const seen: string[] = [];
      const consumer = await consumeWith(async (message) => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen.push(message.messageId ?? '');
        active -= 1;
        return { kind: 'ack' };
      }, 3);
      const envelopes = Array.from({ length: 20 }, () => envelopeOf('MNP'));
      await Promise.all(envelopes.map((envelope) => publisher.publishOrder(envelope)));

      await eventually(async () => seen.length, (count) => count === 20);
      expect(seen.sort()).toEqual(envelopes.map((envelope) => envelope.id).sort());
      expect(peak).toBe(3);
      await consumer.stop(1000);
      expect(await probe.messageCount(names.queueFor('MNP'))).toBe(0);
      expect(settled.map(({ done }) => done)).toEqual(Array.from({ length: 20 }, () => 'ack'));
    });

    it('declares its queue again and consumes it after the broker cancels it (the queue was deleted)', async () => {
      const publisher = await readyPublisher();
      const seen: string[] = [];
      const consumer = await consumeWith(async (message) => {
        seen.push(message.messageId ?? '');
        return { kind: 'ack' };
      });
      await probe.onChannel((channel) => channel.deleteQueue(names.queueFor('MNP')));
      const consumers = await eventually(() => probe.consumerCount(names.queueFor('MNP')).catch(() => 0), (count) => count === 1);
      expect(consumers).toBe(1);
      const envelope = envelopeOf('MNP');
      await publisher.publishOrder(envelope);
      await eventually(async () => seen, (ids) => ids.includes(envelope.id));
      expect(consumer.isConsuming()).toBe(true);
      await consumer.stop(1000);
    });

    it('reconnects at most once a second while its queue is missing and not its to declare', async () => {
      let connects = 0;
      const logger = { info: (_fields: object, message: string) => (connects += message === 'broker connected' ? 1 : 0), warn: () => undefined, error: () => undefined };
      const consumer = new OrderConsumer(connect(TEST_BROKER_URL, { logger }), {
        queue: `${names.prefix}.missing`,
        prefetch: 1,
        topology: { ...topology, declare: false },
        retryRoutingKey: names.routingKeyFor('MNP'),
        handle: async () => ({ disposition: { kind: 'ack' } }),
      });
      consumer.start();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(consumer.isConsuming()).toBe(false);
      expect(connects).toBeGreaterThanOrEqual(2);
      expect(connects).toBeLessThanOrEqual(5);
      await consumer.stop(100);
    });

    it('dead-letters with the reason, the last error and the attempts, then keeps consuming', async () => {
      const publisher = await readyPublisher();
      const poison = envelopeOf('MNP');
      const good = envelopeOf('MNP');
      const applied: string[] = [];
      const consumer = await consumeWith(async (message) => {
        if (message.messageId === poison.id) return { kind: 'dead-letter', reason: 'invalid-payload', error: 'msisdn: bad' };
        applied.push(message.messageId ?? '');
        return { kind: 'ack' };
      });
      await publisher.publishOrder(poison);
      await publisher.publishOrder(good);

      const dead = await eventually(() => probe.messageCount(names.deadLetterQueue), (count) => count === 1);
      expect(dead).toBe(1);
      await eventually(async () => applied.length, (count) => count === 1);
      expect(applied).toEqual([good.id]);
      await eventually(async () => settled.length, (count) => count === 2);
      expect(settled).toEqual(expect.arrayContaining([{ messageId: poison.id, done: 'dead-letter' }, { messageId: good.id, done: 'ack' }]));
      const [letter] = await probe.drain(names.deadLetterQueue);
      expect(JSON.parse(letter.content.toString())).toEqual(poison);
      expect(letter.properties.messageId).toBe(poison.id);
      expect(letter.properties.headers).toMatchObject({
        [DEAD_LETTER_HEADERS.reason]: 'invalid-payload',
        [DEAD_LETTER_HEADERS.lastError]: 'msisdn: bad',
        [DEAD_LETTER_HEADERS.attempts]: 1,
        [DEAD_LETTER_HEADERS.sourceQueue]: names.queueFor('MNP'),
        [ORDER_HEADERS.correlationId]: poison.correlationId,
        [ORDER_HEADERS.firstFailureAt]: expect.any(String),
      });
      await consumer.stop(1000);
    });

    it('sends a retry through its delay queue back to the end of the queue with attempt + 1', async () => {
      const publisher = await readyPublisher();
      const seen: ConsumedMessage[] = [];
      const order = envelopeOf('MNP');
      const consumer = await consumeWith(async (message) => {
        seen.push(message);
        return seen.length < 3 ? { kind: 'retry', step: seen.length, delayMs: 300, error: `backend answered 503 (try ${seen.length})` } : { kind: 'ack' };
      });
      const started = Date.now();
      await publisher.publishOrder(order);

      await eventually(async () => seen.length, (count) => count === 3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(seen.map((message) => message.attempt)).toEqual([1, 2, 3]);
      await eventually(async () => settled.length, (count) => count === 3);
      expect(settled.map(({ done }) => done)).toEqual(['retry', 'retry', 'ack']);
      expect(seen.map((message) => message.messageId)).toEqual([order.id, order.id, order.id]);
      expect(JSON.parse(seen[2].content.toString())).toEqual(order);
      expect(seen[2].headers).toMatchObject({
        [ORDER_HEADERS.lastError]: 'backend answered 503 (try 2)',
        [ORDER_HEADERS.firstFailureAt]: seen[1].headers[ORDER_HEADERS.firstFailureAt],
        [ORDER_HEADERS.correlationId]: order.correlationId,
      });
      await consumer.stop(1000);
      for (const step of [1, 2]) expect(await probe.messageCount(names.retryQueueFor(step))).toBe(0);
      expect(await probe.messageCount(names.queueFor('MNP'))).toBe(0);
    });

    it('sends a deferral through the deferral queue of its step back to the end of the queue, its attempt not spent', async () => {
      const publisher = await readyPublisher();
      const seen: { message: ConsumedMessage; at: number }[] = [];
      const consumer = await consumeWith(async (message) => {
        seen.push({ message, at: Date.now() });
        return seen.length === 1 ? { kind: 'defer', waitMs: 300, error: 'backend budget exhausted' } : { kind: 'ack' };
      });
      const order = envelopeOf('MNP');
      await publisher.publishOrder(order);

      await eventually(async () => seen.length, (count) => count === 2);
      // A wait of 300 ms is covered by the smallest step, 1 s.
      expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(950);
      expect(seen.map(({ message }) => message.attempt)).toEqual([1, 1]);
      expect(JSON.parse(seen[1].message.content.toString())).toEqual(order);
      expect(seen[1].message.headers).toMatchObject({ [ORDER_HEADERS.lastError]: 'backend budget exhausted', [ORDER_HEADERS.correlationId]: order.correlationId });
      await consumer.stop(1000);
    });

    it('never holds a retry behind a deferral: 1 s retries published after a one-minute deferral are back within ~1-3 s', async () => {
      const publisher = await readyPublisher();
      const deferred = envelopeOf('MNP');
      const retried = Array.from({ length: 4 }, () => envelopeOf('MNP'));
      const firstSeen = new Map<string, number>();
      const back = new Map<string, number>();
      // Prefetch 1: each order's deferral or retry is confirmed before the next one is handled, so the
      // deferral is published first, ahead of all the retries.
      const consumer = await consumeWith(async (message) => {
        const id = message.messageId ?? '';
        if (firstSeen.has(id)) {
          back.set(id, Date.now() - (firstSeen.get(id) ?? 0));
          return { kind: 'ack' };
        }
        firstSeen.set(id, Date.now());
        return id === deferred.id
          ? { kind: 'defer', waitMs: 60_000, error: 'backend budget exhausted: next slot in 60000 ms' }
          : { kind: 'retry', step: 1, delayMs: 1000, error: 'backend answered 503' };
      }, 1);
      await publisher.publishOrder(deferred);
      for (const order of retried) await publisher.publishOrder(order);

      await eventually(async () => back.size, (count) => count === retried.length, { timeoutMs: 10_000 });
      expect([...firstSeen.keys()][0]).toBe(deferred.id);
      expect([...back.keys()].sort()).toEqual(retried.map((order) => order.id).sort());
      for (const waitedMs of back.values()) {
        expect(waitedMs).toBeGreaterThanOrEqual(950);
        expect(waitedMs).toBeLessThan(3000);
      }
      expect(back.has(deferred.id)).toBe(false);
      expect(await probe.messageCount(names.deferralQueueFor(60_000))).toBe(1);
      expect(await probe.messageCount(names.retryQueueFor(1))).toBe(0);
      await consumer.stop(1000);
      const [waiting] = await probe.drain(names.deferralQueueFor(60_000));
      expect(waiting.properties.messageId).toBe(deferred.id);
      expect(waiting.properties.expiration).toBeUndefined();
      expect(waiting.properties.headers).toMatchObject({ [ORDER_HEADERS.attempt]: 1 });
    });

    it('hands back a retry no queue takes (its delay queue unbound) instead of acking a copy the broker dropped', async () => {
      const publisher = await readyPublisher();
      const seen: ConsumedMessage[] = [];
      const consumer = await consumeWith(async (message) => {
        seen.push(message);
        return seen.length === 1 ? { kind: 'retry', step: 1, delayMs: 100, error: 'backend answered 503' } : { kind: 'ack' };
      });
      // After the consumer declared its topology, which would bind it again.
      await probe.onChannel((channel) => channel.unbindQueue(names.retryQueueFor(1), names.retryExchangeFor(1), ''));
      const order = envelopeOf('MNP');
      await publisher.publishOrder(order);

      await eventually(async () => settled.length, (count) => count === 2);
      expect(settled).toEqual([
        { messageId: order.id, done: 'requeue' },
        { messageId: order.id, done: 'ack' },
      ]);
      expect(seen.map((message) => [message.attempt, message.redelivered])).toEqual([
        [1, false],
        [1, true],
      ]);
      await consumer.stop(1000);
      expect(await probe.messageCount(names.retryQueueFor(1))).toBe(0);
    });

    describe('publishing its copies through a link that slows down what the broker sends', () => {
      let link: FaultyLink;

      beforeEach(async () => {
        const { hostname, port } = new URL(TEST_BROKER_URL);
        link = await FaultyLink.open({ host: hostname, port: Number(port || 5672) });
      });

      afterEach(async () => {
        await link.close();
      });

      it('hands back a dead letter whose confirm is later than its deadline; the late copy is still stored', async () => {
        const publisher = await readyPublisher();
        const poison = [envelopeOf('MNP'), envelopeOf('MNP')];
        const consumer = await consumeWith(
          async (message) => (message.redelivered ? { kind: 'ack' } : { kind: 'dead-letter', reason: 'invalid-payload', error: 'msisdn: bad' }),
          10,
          { publishConnection: connect(link.urlFor(TEST_BROKER_URL)), republishConfirmTimeoutMs: 300 },
        );
        // The first goes through a healthy link: the republisher is up.
        await publisher.publishOrder(poison[0]);
        await eventually(async () => settled.length, (count) => count === 1);
        link.setMode({ kind: 'delay', ms: 1000 });
        await publisher.publishOrder(poison[1]);

        await eventually(async () => settled.length, (count) => count === 3);
        expect(settled).toEqual([
          { messageId: poison[0].id, done: 'dead-letter' },
          { messageId: poison[1].id, done: 'requeue' },
          { messageId: poison[1].id, done: 'ack' },
        ]);
        const dead = await eventually(() => probe.messageCount(names.deadLetterQueue), (count) => count === 2);
        expect(dead).toBe(2);
        await consumer.stop(1000);
      });
    });

    it('holds a retry unacked while its publishing connection is down, rather than handling the order again and again', async () => {
      const publisher = await readyPublisher();
      let handled = 0;
      const consumer = await consumeWith(
        async () => {
          handled += 1;
          return { kind: 'retry', step: 1, delayMs: 100, error: 'backend answered 503' };
        },
        10,
        { publishConnection: connect(UNREACHABLE_BROKER_URL) },
      );
      const order = envelopeOf('MNP');
      await publisher.publishOrder(order);
      await eventually(async () => handled, (count) => count === 1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(handled).toBe(1);
      expect(consumer.inFlightCount()).toBe(1);
      expect(settled).toEqual([]);

      expect(await consumer.stop(300)).toEqual({ finished: false, handedBack: 1 });
      const [handedBack] = await eventually(() => probe.drain(names.queueFor('MNP')), (messages) => messages.length === 1);
      expect(handedBack.properties.messageId).toBe(order.id);
      // The copy stopped waiting once its delivery was handed back, and was never sent.
      expect(await eventually(async () => consumer.inFlightCount(), (count) => count === 0)).toBe(0);
      expect(settled).toEqual([]);
    });

    it('on stop, finishes in-flight work within the grace and hands back what it cannot finish, reported unsettled', async () => {
      const publisher = await readyPublisher();
      const finished: string[] = [];
      const consumer = await consumeWith(async (message) => {
        await new Promise((resolve) => setTimeout(resolve, message.messageId === slow.id ? 2500 : 300));
        finished.push(message.messageId ?? '');
        return { kind: 'ack' };
      }, 2);
      const quick = envelopeOf('MNP');
      const slow = envelopeOf('MNP');
      await publisher.publishOrder(quick);
      await publisher.publishOrder(slow);
      const inFlight = await eventually(async () => consumer.inFlightCount(), (count) => count === 2, { intervalMs: 5 });
      expect(inFlight).toBe(2);

      const outcome = await consumer.stop(1000);
      expect(outcome).toEqual({ finished: false, handedBack: 1 });
      expect(finished).toEqual([quick.id]);
      const [handedBack] = await eventually(() => probe.drain(names.queueFor('MNP')), (messages) => messages.length === 1);
      expect(handedBack.properties.messageId).toBe(slow.id);
      // The slow one's handler ends after it was handed back: its ack must not settle it again, so it
      // is not reported (its redelivery is what counts).
      await eventually(async () => finished.length, (count) => count === 2);
      expect(settled).toEqual([{ messageId: quick.id, done: 'ack' }]);
    });
  });
});
