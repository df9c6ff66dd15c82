import { EXAMPLE_PAYLOADS } from '@bss/contracts';
import { loadConfig } from '@bss/config';
import { createLogger, createMetrics } from '@bss/observability';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { simulatorConfigSchema } from './simulator-config';
import { SimulatorModule } from './simulator.module';

describe('backend simulator HTTP API', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadConfig(simulatorConfigSchema, { SIM_SERVICE_TIME_MS: '100', SIM_MAX_IN_FLIGHT: '2', SIM_CAPACITY_RPS_BY_TYPE: 'MNP=1000' });
    const moduleRef = await Test.createTestingModule({
      imports: [SimulatorModule.register({ config, logger: createLogger({ service: 'simulator-test', level: 'silent' }), metrics: createMetrics({ enabled: true }) })],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const apply = (resource: string, orderId: string, headers: Record<string, string> = { 'idempotency-key': orderId }, payload: unknown = EXAMPLE_PAYLOADS.MNP) =>
    app.inject({ method: 'POST', url: `/api/v1/${resource}`, headers, payload: { orderId, origin: 'api', payload } });

  it('applies an order once; the same Idempotency-Key again is a 200 duplicate', async () => {
    const first = await apply('number-ports', 'order-a', { 'idempotency-key': 'order-a', 'x-processor': 'mnp-processor' });
    const second = await apply('number-ports', 'order-a');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'applied', orderId: 'order-a' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'duplicate' });
    const { entries } = (await app.inject({ method: 'GET', url: '/api/v1/ledger/order-a' })).json();
    expect(entries).toEqual([expect.objectContaining({ type: 'MNP', outcome: 'applied', appliedBy: 'mnp-processor', duplicateAttempts: 1 })]);
  });

  it('answers 422 for a business rejection, the same on every repeat', async () => {
    const refused = { ...EXAMPLE_PAYLOADS.MNP, customerId: 'C99900001' };
    const first = await apply('number-ports', 'order-r', undefined, refused);
    const again = await apply('number-ports', 'order-r', undefined, refused);
    expect([first.statusCode, again.statusCode]).toEqual([422, 422]);
    expect(first.json()).toMatchObject({ message: 'number is not portable' });
  });

  it('fails on demand while a fault is injected, for the chosen types only', async () => {
    const put = await app.inject({ method: 'PUT', url: '/api/v1/faults', payload: { status: 500, types: ['mnp'], durationMs: 60_000 } });
    expect(put.statusCode).toBe(200);
    expect((await apply('number-ports', 'order-f')).statusCode).toBe(500);
    expect((await apply('subscriptions', 'order-s', undefined, EXAMPLE_PAYLOADS.SUBSCRIPTION)).statusCode).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/faults' })).statusCode).toBe(204);
    expect((await apply('number-ports', 'order-f')).statusCode).toBe(201);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/faults', payload: { status: 200 } })).statusCode).toBe(400);
  });

  it('refuses calls without an Idempotency-Key, invalid payloads and unknown resources', async () => {
    expect((await apply('number-ports', 'order-b', {})).statusCode).toBe(400);
    expect((await apply('number-ports', 'order-b', undefined, { msisdn: 'x' })).statusCode).toBe(400);
    expect((await apply('pizzas', 'order-b')).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/ledger/order-b' })).statusCode).toBe(404);
  });

  it('answers 503 with Retry-After past its in-flight capacity', async () => {
    const responses = await Promise.all(['c-1', 'c-2', 'c-3'].map((id) => apply('number-ports', id)));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 503]);
    expect(responses.find((response) => response.statusCode === 503)?.headers['retry-after']).toBe('1');
    const stats = (await app.inject({ method: 'GET', url: '/api/v1/ledger/stats' })).json();
    expect(stats.capacity.MNP).toEqual({ ratePerSecond: 1000, maxInFlight: 2, inFlight: 0 });
    const { seconds } = (await app.inject({ method: 'GET', url: '/api/v1/load?since=0' })).json();
    const mnp = seconds.filter((second: { type: string }) => second.type === 'MNP');
    expect(mnp.reduce((sum: number, second: { errors: number }) => sum + second.errors, 0)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...mnp.map((second: { inFlightPeak: number }) => second.inFlightPeak))).toBeGreaterThanOrEqual(2);
  });
});
