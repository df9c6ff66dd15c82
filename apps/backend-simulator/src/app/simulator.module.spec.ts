import { EXAMPLE_PAYLOADS } from '@bss/contracts';
import { loadConfig } from '@bss/config';
import { createLogger, createMetrics, Metrics } from '@bss/observability';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { simulatorConfigSchema } from './simulator-config';
import { SimulatorModule } from './simulator.module';

async function startSimulator(env: Record<string, string>, metrics: Metrics = createMetrics({ enabled: true })): Promise<NestFastifyApplication> {
  const config = loadConfig(simulatorConfigSchema, env);
  const moduleRef = await Test.createTestingModule({
    imports: [SimulatorModule.register({ config, logger: createLogger({ service: 'simulator-test', level: 'silent' }), metrics })],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const applyTo =
  (app: () => NestFastifyApplication) =>
  (resource: string, orderId: string, headers: Record<string, string> = { 'idempotency-key': orderId }, payload: unknown = EXAMPLE_PAYLOADS.MNP) =>
    app().inject({ method: 'POST', url: `/api/v1/${resource}`, headers, payload: { orderId, origin: 'api', payload } });

describe('backend simulator HTTP API', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startSimulator({ SIM_SERVICE_TIME_MS: '100', SIM_MAX_IN_FLIGHT: '2', SIM_CAPACITY_RPS_BY_TYPE: 'MNP=1000' });
  });
  afterAll(() => app.close());

  const apply = applyTo(() => app);

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

  it('loses capacity on demand, for the chosen types, shows it in its load record, and gets it back', async () => {
    const put = await app.inject({ method: 'PUT', url: '/api/v1/faults/capacity', payload: { factor: 0.5, types: ['mnp'], durationMs: 60_000 } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ factor: 0.5, types: ['MNP'] });
    const load = async () => (await app.inject({ method: 'GET', url: '/api/v1/load' })).json();
    expect((await load()).capacity).toMatchObject({ MNP: { ratePerSecond: 500 }, SUBSCRIPTION: { ratePerSecond: 100 } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/faults' })).json()).toMatchObject({ capacityLoss: { factor: 0.5, types: ['MNP'] } });
    expect((await apply('number-ports', 'order-c1')).statusCode).toBe(201);
    const seconds = (await load()).seconds as { type: string; capacity?: number }[];
    expect(seconds.some((second) => second.type === 'MNP' && second.capacity === 500)).toBe(true);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/faults/capacity' })).statusCode).toBe(204);
    expect((await load()).capacity.MNP.ratePerSecond).toBe(1000);
    for (const payload of [{ factor: 0 }, { factor: 1.5 }, { factor: '0.5' }, { factor: 0.5, types: ['pizza'] }, { factor: 0.5, durationMs: -1 }]) {
      expect((await app.inject({ method: 'PUT', url: '/api/v1/faults/capacity', payload })).statusCode).toBe(400);
    }
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

describe('backend simulator HTTP API with pending port-ins', () => {
  const PENDING_DURATION_MS = 1200;
  let app: NestFastifyApplication;
  const metrics = createMetrics({ enabled: true });

  beforeAll(async () => {
    app = await startSimulator({ SIM_SERVICE_TIME_MS: '0', PENDING_SHARE: '1', PENDING_DURATION_MS: String(PENDING_DURATION_MS) }, metrics);
  });
  afterAll(() => app.close());

  const apply = applyTo(() => app);
  const ledgerOf = async (orderId: string) => (await app.inject({ method: 'GET', url: `/api/v1/ledger/${orderId}` })).json().entries;
  const stats = async () => (await app.inject({ method: 'GET', url: '/api/v1/ledger/stats' })).json();

  it('accepts a port-in as pending with Retry-After, answers pending while it waits, then applies it exactly once', async () => {
    const first = await apply('number-ports', 'port-1');
    expect(first.statusCode).toBe(202);
    expect(first.headers['retry-after']).toBe('2');
    expect(first.json()).toEqual({ status: 'pending', reference: 'port-1', message: expect.any(String) });
    expect(await ledgerOf('port-1')).toEqual([expect.objectContaining({ outcome: 'pending', statusInquiries: 0 })]);

    const inquiry = await apply('number-ports', 'port-1');
    expect(inquiry.statusCode).toBe(202);
    expect(Number(inquiry.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await stats()).pending).toBeGreaterThanOrEqual(1);

    await sleep(PENDING_DURATION_MS + 50);
    const resolved = await apply('number-ports', 'port-1');
    expect(resolved.statusCode).toBe(201);
    expect(resolved.json()).toMatchObject({ status: 'applied', orderId: 'port-1' });
    const later = await apply('number-ports', 'port-1');
    expect(later.statusCode).toBe(200);
    expect(later.json()).toMatchObject({ status: 'duplicate' });
    expect(await ledgerOf('port-1')).toEqual([expect.objectContaining({ outcome: 'applied', statusInquiries: 2, duplicateAttempts: 1 })]);
    expect((await stats()).byType.MNP).toBe(1);

    const exposition = await metrics.exposition();
    expect(exposition).toContain('bss_simulator_pending_answers_total{type="MNP",call="first"} 1');
    expect(exposition).toContain('bss_simulator_pending_answers_total{type="MNP",call="inquiry"} 1');
  });

  it('resolves a port-in the business rules refuse to the usual 422', async () => {
    const refused = { ...EXAMPLE_PAYLOADS.MNP, customerId: 'C99900001' };
    expect((await apply('number-ports', 'port-r', undefined, refused)).statusCode).toBe(202);
    await sleep(PENDING_DURATION_MS + 50);
    const resolved = await apply('number-ports', 'port-r', undefined, refused);
    expect(resolved.statusCode).toBe(422);
    expect(resolved.json()).toMatchObject({ message: 'number is not portable' });
    expect((await apply('number-ports', 'port-r', undefined, refused)).statusCode).toBe(422);
    expect(await ledgerOf('port-r')).toEqual([expect.objectContaining({ outcome: 'rejected', detail: 'number is not portable' })]);
  });

  it('answers an inquiry with an injected fault first, as any other call', async () => {
    expect((await apply('number-ports', 'port-f')).statusCode).toBe(202);
    await app.inject({ method: 'PUT', url: '/api/v1/faults', payload: { status: 503, types: ['mnp'], durationMs: 60_000 } });
    expect((await apply('number-ports', 'port-f')).statusCode).toBe(503);
    await app.inject({ method: 'DELETE', url: '/api/v1/faults' });
    expect((await apply('number-ports', 'port-f')).statusCode).toBe(202);
  });

  it('never pends orders of other types', async () => {
    expect((await apply('subscriptions', 'sub-1', undefined, EXAMPLE_PAYLOADS.SUBSCRIPTION)).statusCode).toBe(201);
  });
});
