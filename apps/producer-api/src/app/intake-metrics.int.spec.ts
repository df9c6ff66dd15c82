import { EXAMPLE_PAYLOADS, TopologyNames } from '@bss/contracts';
import { BrokerProbe, TEST_BROKER_URL, uniqueTopology, UNREACHABLE_BROKER_URL } from '@bss/messaging/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startProducerForTest, untilReady } from './testing/producer-test-app';

const API_KEY = 'intake-metrics-test-key-0123456789';
const AUTHORIZED = { 'x-api-key': API_KEY, 'content-type': 'application/json' };

function startApp(env: Record<string, string>): Promise<NestFastifyApplication> {
  return startProducerForTest({ API_KEYS: API_KEY, BODY_LIMIT_BYTES: '4096', PUBLISH_TIMEOUT_MS: '300', ...env });
}

function post(app: NestFastifyApplication, url: string, payload: string, headers: Record<string, string> = AUTHORIZED) {
  return app.inject({ method: 'POST', url, headers, payload });
}

/** The sample lines of one metric, sorted: comparing them whole also catches unexpected series. */
async function seriesOf(app: NestFastifyApplication, metric: string): Promise<string[]> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .sort();
}

describe('producer-api intake metrics against the real broker', () => {
  let probe: BrokerProbe;
  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });
  afterAll(() => probe.close());

  describe('with the broker up', () => {
    let app: NestFastifyApplication;
    let names: TopologyNames;

    beforeAll(async () => {
      names = uniqueTopology('intake-metrics');
      app = await startApp({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, QUEUE_MAX_LENGTH: '1' });
      await untilReady(app);
    });
    afterAll(async () => {
      await app.close();
      await probe.deleteTopology(names);
    });

    it('serves /metrics without an API key, as Prometheus text', async () => {
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toContain('nodejs_eventloop_lag_seconds');
    });

    it('counts every accepted order and every refusal once, by type and reason', async () => {
      const mnp = JSON.stringify({ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
      // A quorum queue may take a publish or two past its bound before refusing: count what it answered.
      const statuses: number[] = [];
      while (statuses.at(-1) !== 503 && statuses.length < 10) statuses.push((await post(app, '/api/v1/orders', mnp)).statusCode);
      const acceptedMnp = statuses.filter((status) => status === 202).length;
      expect(statuses).toEqual([...Array(acceptedMnp).fill(202), 503]);
      const batch = JSON.stringify({ orders: [{ type: 'CHANGE', payload: EXAMPLE_PAYLOADS.CHANGE }, { type: 'CHANGE', payload: {} }] });
      expect((await post(app, '/api/v1/orders/batch', batch)).json()).toMatchObject({ accepted: 1, rejected: 1 });
      expect((await post(app, '/api/message', JSON.stringify({ 타입: 'mnp' }))).statusCode).toBe(400);
      expect((await post(app, '/api/v1/orders/batch', JSON.stringify({ orders: [] }))).statusCode).toBe(400);
      expect((await post(app, '/api/v1/orders', '{"type":')).statusCode).toBe(400);
      expect((await app.inject({ method: 'POST', url: '/api/v1/orders', headers: { 'x-api-key': API_KEY } })).statusCode).toBe(400);
      expect((await post(app, '/api/v1/orders', JSON.stringify({ type: 'MNP', payload: { note: 'x'.repeat(5000) } }))).statusCode).toBe(413);
      expect((await post(app, '/api/v1/orders', 'MNP', { 'x-api-key': API_KEY, 'content-type': 'text/plain' })).statusCode).toBe(415);
      expect((await post(app, '/api/v1/orders', mnp, { 'content-type': 'application/json' })).statusCode).toBe(401);

      expect(await seriesOf(app, 'bss_orders_accepted_total')).toEqual([
        'bss_orders_accepted_total{type="CHANGE"} 1',
        `bss_orders_accepted_total{type="MNP"} ${acceptedMnp}`,
      ]);
      expect(await seriesOf(app, 'bss_publish_confirm_duration_seconds_count')).toEqual([
        'bss_publish_confirm_duration_seconds_count{type="CHANGE"} 1',
        `bss_publish_confirm_duration_seconds_count{type="MNP"} ${acceptedMnp}`,
      ]);
      expect(await seriesOf(app, 'bss_orders_rejected_total')).toEqual([
        'bss_orders_rejected_total{type="CHANGE",reason="invalid"} 1',
        'bss_orders_rejected_total{type="MNP",reason="invalid"} 1',
        'bss_orders_rejected_total{type="MNP",reason="queue-full"} 1',
        'bss_orders_rejected_total{type="unknown",reason="invalid"} 3',
        'bss_orders_rejected_total{type="unknown",reason="too-large"} 1',
        'bss_orders_rejected_total{type="unknown",reason="unauthorized"} 1',
        'bss_orders_rejected_total{type="unknown",reason="unsupported-media-type"} 1',
      ]);
    });
  });

  it('counts an order refused because the broker is down', async () => {
    const app = await startApp({ RABBITMQ_URL: UNREACHABLE_BROKER_URL });
    try {
      expect((await post(app, '/api/v1/orders', JSON.stringify({ type: 'SUBSCRIPTION', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION }))).statusCode).toBe(503);
      expect(await seriesOf(app, 'bss_orders_rejected_total')).toEqual(['bss_orders_rejected_total{type="SUBSCRIPTION",reason="broker-unavailable"} 1']);
    } finally {
      await app.close();
    }
  });

  it('with MONITORING_ENABLED=false, still accepts orders and answers 404 at /metrics', async () => {
    const names = uniqueTopology('intake-metrics-off');
    const app = await startApp({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, MONITORING_ENABLED: 'false' });
    try {
      await untilReady(app);
      expect((await post(app, '/api/v1/orders', JSON.stringify({ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }))).statusCode).toBe(202);
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await probe.deleteTopology(names);
    }
  });
});
