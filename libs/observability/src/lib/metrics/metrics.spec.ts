import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetrics, Metrics } from './metrics';
import { MetricsExposure, MetricsModule } from './metrics.module';

async function metricsApp(metrics: Metrics, exposure?: MetricsExposure): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(MetricsModule.register(metrics, exposure), new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('createMetrics', () => {
  it('records counters, gauges and histograms per label set, beside the default process metrics', async () => {
    const metrics = createMetrics({ enabled: true });
    const accepted = metrics.counter({ name: 'test_orders_total', help: 'orders', labelNames: ['type'] });
    const inFlight = metrics.gauge({ name: 'test_in_flight', help: 'in flight', labelNames: [] });
    const duration = metrics.histogram({ name: 'test_duration_seconds', help: 'duration', labelNames: ['type'], buckets: [0.1, 1] });

    accepted.with({ type: 'MNP' }).inc();
    accepted.with({ type: 'MNP' }).inc(2);
    accepted.with({ type: 'CHANGE' }).inc();
    inFlight.with({}).inc(3);
    inFlight.with({}).dec();
    duration.with({ type: 'MNP' }).observe(0.5);

    const text = await metrics.exposition();
    expect(text).toContain('test_orders_total{type="MNP"} 3');
    expect(text).toContain('test_orders_total{type="CHANGE"} 1');
    expect(text).toContain('test_in_flight 2');
    expect(text).toContain('test_duration_seconds_bucket{le="0.1",type="MNP"} 0');
    expect(text).toContain('test_duration_seconds_bucket{le="1",type="MNP"} 1');
    expect(text).toContain('test_duration_seconds_count{type="MNP"} 1');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('hands out the same series for the same labels, so hot paths allocate nothing', () => {
    const counter = createMetrics({ enabled: true }).counter({ name: 'test_total', help: 'h', labelNames: ['a', 'b'] });
    expect(counter.with({ a: 'x', b: 'y' })).toBe(counter.with({ b: 'y', a: 'x' }));
    expect(counter.with({ a: 'x', b: 'y' })).not.toBe(counter.with({ a: 'x', b: 'z' }));
  });

  it('gives a metric declared twice the same family, and refuses one redeclared with another shape', () => {
    const metrics = createMetrics({ enabled: true });
    const first = metrics.counter({ name: 'test_twice_total', help: 'h', labelNames: ['type'] });
    expect(metrics.counter({ name: 'test_twice_total', help: 'h', labelNames: ['type'] })).toBe(first);
    expect(() => metrics.gauge({ name: 'test_twice_total', help: 'h', labelNames: ['type'] })).toThrow(/already defined as a counter/);
  });

  it('keeps each process metrics apart: two instances may define the same names', async () => {
    const first = createMetrics({ enabled: true });
    const second = createMetrics({ enabled: true });
    first.counter({ name: 'test_shared_total', help: 'h', labelNames: [] }).with({}).inc();
    second.counter({ name: 'test_shared_total', help: 'h', labelNames: [] });
    expect(await first.exposition()).toContain('test_shared_total 1');
    expect(await second.exposition()).toContain('test_shared_total 0');
  });

  it('records nothing when monitoring is disabled', async () => {
    const metrics = createMetrics({ enabled: false });
    metrics.counter({ name: 'test_total', help: 'h', labelNames: ['type'] }).with({ type: 'MNP' }).inc();
    expect(metrics.enabled).toBe(false);
    expect(await metrics.exposition()).toBe('');
  });
});

describe('MetricsModule', () => {
  it('serves the Prometheus text at GET /metrics', async () => {
    const metrics = createMetrics({ enabled: true });
    metrics.counter({ name: 'test_scraped_total', help: 'h', labelNames: [] }).with({}).inc(7);
    const app = await metricsApp(metrics);
    try {
      const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toContain('test_scraped_total 7');
    } finally {
      await app.close();
    }
  });

  it('answers 404 while its exposure is paused, and serves again once resumed', async () => {
    let exposed = false;
    const metrics = createMetrics({ enabled: true });
    metrics.counter({ name: 'test_paused_total', help: 'h', labelNames: [] }).with({}).inc();
    const app = await metricsApp(metrics, { isExposed: () => exposed });
    try {
      const scrape = () => app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
      const paused = await scrape();
      expect(paused.statusCode).toBe(404);
      expect(paused.json().message).toBe('an operator has paused the metrics of this process');
      exposed = true;
      const resumed = await scrape();
      expect(resumed.statusCode).toBe(200);
      expect(resumed.body).toContain('test_paused_total 1');
    } finally {
      await app.close();
    }
  });

  it('answers 404 when monitoring is disabled', async () => {
    const app = await metricsApp(createMetrics({ enabled: false }));
    try {
      const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
