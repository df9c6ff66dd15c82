import { encodeLifecycleEvents, OrderLifecycleEvent, OrderState } from '@bss/contracts';
import { BrokerConnection, connectionFromSettings, topologyFromSettings } from '@bss/messaging';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { createLogger, createMetrics } from '@bss/observability';
import {
  CALLBACK_SIGNATURE_HEADER,
  CallbackStore,
  OrderTrackingStore,
  renderByFormat,
  renderOrderStateCallback,
  verifyCallbackSignature,
} from '@bss/order-tracking';
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { CallbackDeliverer } from './callback-deliverer';
import { LifecycleEventIntake } from './lifecycle-event-intake';
import { TrackerMetrics } from './tracker-metrics';

const DATABASE_URL = process.env['TRACKING_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const logger = createLogger({ service: 'tracker-test', level: 'error', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
const render = renderByFormat({ 'order-state': renderOrderStateCallback });

function event(orderId: string, state: OrderState, attempt = 1): OrderLifecycleEvent {
  return { orderId, type: 'MNP', state, at: new Date().toISOString(), progress: { generation: 0, attempt, deferrals: 0 }, clientId: 'client-a' };
}

describe('order tracker against the real broker and PostgreSQL', () => {
  const schema = `bss_tracker_test_${randomBytes(4).toString('hex')}`;
  const store = OrderTrackingStore.connect(DATABASE_URL, schema);
  const callbacks = new CallbackStore(store.pool, schema);
  const metrics = new TrackerMetrics(createMetrics({ enabled: true }));

  beforeAll(() => store.migrate());
  afterAll(async () => {
    await store.pool.query(`DROP SCHEMA ${store.schema} CASCADE`);
    await store.close();
  });

  describe('taking lifecycle events off the queue', () => {
    const names = uniqueTopology('tracker');
    const settings = { QUEUE_NAME: names.prefix, QUEUE_MAX_LENGTH: 1000, QUEUE_DELIVERY_LIMIT: 5, DECLARE_TOPOLOGY: true };
    let connection: BrokerConnection;
    let probe: BrokerProbe;
    let intake: LifecycleEventIntake;

    beforeAll(async () => {
      probe = await BrokerProbe.connect();
      connection = connectionFromSettings({ RABBITMQ_URL: [TEST_BROKER_URL], RABBITMQ_HEARTBEAT_SEC: 5 }, 'tracker-test', logger);
      intake = new LifecycleEventIntake(connection, store, metrics, logger, { topology: topologyFromSettings(settings), batchSize: 50, lingerMs: 10, render });
      intake.start();
      await eventually(async () => intake.isConsuming(), (consuming) => consuming);
    });
    afterAll(async () => {
      await intake.stop();
      await connection.close();
      await probe.deleteTopology(names);
      await probe.close();
    });

    it('stores every published batch in order of the life, drops a malformed one, and leaves nothing unacked', async () => {
      const publish = (content: Buffer) => probe.onChannel(async (channel) => channel.publish(names.eventsExchange, 'processor.mnp', content));
      await publish(encodeLifecycleEvents([event('t-1', 'applied'), event('t-2', 'in-progress')]));
      await publish(Buffer.from('{"not": "a batch"}'));
      await publish(encodeLifecycleEvents([event('t-1', 'in-progress'), event('t-1', 'queued')]));
      const order = await eventually(
        () => store.find('t-1'),
        (found) => (found?.timeline.length ?? 0) === 3,
      );
      expect(order?.state).toBe('applied');
      expect(order?.timeline.map((entry) => entry.state)).toEqual(['queued', 'in-progress', 'applied']);
      expect((await store.find('t-2'))?.state).toBe('in-progress');
      await eventually(
        () => probe.messageCount(names.trackerQueue),
        (count) => count === 0,
      );
    });
  });

  describe('delivering callbacks', () => {
    let server: Server;
    let url: string;
    let answers: number[];
    const received: { body: string; signature: string }[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const status = answers.shift() ?? 204;
          if (status < 300) received.push({ body: Buffer.concat(chunks).toString(), signature: String(request.headers[CALLBACK_SIGNATURE_HEADER]) });
          response.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const deliverer = (maxAttempts: number) =>
      new CallbackDeliverer(callbacks, metrics, logger, { timeoutMs: 2000, maxAttempts, backoffMs: [50], concurrency: 5, idlePollMs: 20 });

    it('retries a failing receiver with backoff, then delivers each change once, signed, in state order', async () => {
      const subscription = await callbacks.subscribe('client-a', url, 'order-state');
      answers = [503, 500];
      await store.apply([event('c-1', 'queued'), event('c-1', 'in-progress'), event('c-1', 'applied')], render);
      const running = deliverer(5);
      running.start();
      try {
        await eventually(async () => received.length, (count) => count === 3, { timeoutMs: 10_000 });
      } finally {
        await running.stop();
      }
      expect(received.map((delivery) => JSON.parse(delivery.body).order.state)).toEqual(['queued', 'in-progress', 'applied']);
      expect(received.every((delivery) => verifyCallbackSignature(subscription.secret, delivery.body, delivery.signature).valid)).toBe(true);
      expect(await callbacks.counts()).toMatchObject({ pending: 0, delivered: 3, undeliverable: 0 });
      await callbacks.unsubscribe('client-a', subscription.id);
    });

    it('gives a delivery up after its last attempt, shows it to operators, and lets the next one go', async () => {
      await callbacks.subscribe('client-a', url, 'order-state');
      received.splice(0);
      answers = [500, 500];
      await store.apply([event('c-2', 'queued'), event('c-2', 'in-progress')], render);
      const running = deliverer(2);
      running.start();
      try {
        await eventually(async () => received.length, (count) => count === 1, { timeoutMs: 10_000 });
      } finally {
        await running.stop();
      }
      expect(JSON.parse(received[0].body).order.state).toBe('in-progress');
      const [givenUp] = await callbacks.undeliverable();
      expect(givenUp).toMatchObject({ orderId: 'c-2', attempts: 2, lastError: 'receiver answered 500', url });
    });
  });
});
