import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { HealthModule } from './health.module';
import { READINESS_PROBES, ReadinessProbe, ShutdownSignal } from './readiness-probe';

describe('HealthModule', () => {
  let app: NestFastifyApplication;
  const broker: ReadinessProbe & { ready: boolean } = {
    name: 'broker',
    ready: true,
    isReady() {
      return this.ready;
    },
    describe: () => ({ connected: broker.ready }),
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.register({ probes: { provide: READINESS_PROBES, useValue: [broker] } })],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('is live and ready while its probes are ready', async () => {
    expect((await get('/health')).statusCode).toBe(200);
    const ready = await get('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', info: { broker: { status: 'up', connected: true } } });
  });

  it('stays live but turns unready when a probe fails', async () => {
    broker.ready = false;
    expect((await get('/health/live')).statusCode).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'error', error: { broker: { status: 'down' } } });
    broker.ready = true;
  });

  it('turns unready once shutdown begins', async () => {
    app.get(ShutdownSignal).begin();
    expect((await get('/ready')).statusCode).toBe(503);
  });
});
