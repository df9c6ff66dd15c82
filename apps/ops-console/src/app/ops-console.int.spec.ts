import { EXAMPLE_PAYLOADS, ORDER_HEADERS, TopologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, FaultyLink, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { createLogger } from '@bss/observability';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { runDlq } from '../cli/dlq-cli';
import { createOpsApp } from './create-ops-app';
import { loadOpsConfig } from './ops-config';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const VIEWER = `viewer-${randomUUID()}`;
const OPERATOR = `operator-${randomUUID()}`;
const STATIC_DIR = join(__dirname, '../public');

interface Summary {
  id: string;
  orderId: string;
  type: string;
  reason: string;
  state: string;
  attempts: number;
}

async function startApp(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = loadOpsConfig({ RABBITMQ_URL: TEST_BROKER_URL, DATABASE_URL, OPS_VIEWER_TOKENS: VIEWER, OPS_OPERATOR_TOKENS: OPERATOR, SAMPLE_INTERVAL_MS: '200', ...env });
  const app = await createOpsApp(config, createLogger({ service: 'ops-console-test', level: 'silent', destination: silent }), STATIC_DIR);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

function as(token: string) {
  return { authorization: `Bearer ${token}` };
}

function envelope(type: 'MNP' | 'SUBSCRIPTION') {
  const id = randomUUID();
  return { id, type, version: 1, acceptedAt: new Date().toISOString(), correlationId: `corr-${id}`, origin: 'api', payload: EXAMPLE_PAYLOADS[type] };
}

function deadLetterHeaders(order: { id: string; correlationId: string }, names: TopologyNames, reason = 'retries-exhausted') {
  return {
    'x-dead-letter-reason': reason,
    'x-last-error': 'backend answered 500: boom',
    'x-attempts': 4,
    'x-attempt': 4,
    'x-dead-lettered-at': new Date().toISOString(),
    'x-first-failure-at': new Date(Date.now() - 60_000).toISOString(),
    'x-source-queue': names.queueFor('MNP'),
    [ORDER_HEADERS.correlationId]: order.correlationId,
  };
}

describe('ops-console against the real broker and PostgreSQL', () => {
  const names = uniqueTopology('ops');
  const schema = `test_ops_${randomUUID().slice(0, 8)}`;
  let probe: BrokerProbe;
  let app: NestFastifyApplication;

  const list = async (query = '') => (await app.inject({ method: 'GET', url: `/api/v1/dead-letters${query}`, headers: as(VIEWER) })).json() as { items: Summary[]; total: number };
  const post = (url: string, body: unknown, token = OPERATOR) =>
    app.inject({ method: 'POST', url, headers: { ...as(token), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const storedFor = async (orderId: string) => eventually(() => list(), ({ items }) => items.some((item) => item.orderId === orderId));

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    app = await startApp({ QUEUE_NAME: names.prefix, DATABASE_SCHEMA: schema });
    await eventually(async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode, (code) => code === 200);
  });

  afterAll(async () => {
    await app.close();
    await probe.deleteTopology(names);
    await probe.close();
    await dropSchema(schema);
  });

  it('stores each dead letter once, even when the same message arrives twice, and acks it', async () => {
    const order = envelope('MNP');
    const headers = deadLetterHeaders(order, names);
    await probe.publishRaw(names.deadLetterQueue, Buffer.from(JSON.stringify(order)), headers, order.id);
    await probe.publishRaw(names.deadLetterQueue, Buffer.from(JSON.stringify(order)), headers, order.id);
    await storedFor(order.id);
    expect(await eventually(() => probe.messageCount(names.deadLetterQueue), (count) => count === 0)).toBe(0);
    const { items } = await list(`?type=MNP&state=dead`);
    expect(items.filter((item) => item.orderId === order.id)).toEqual([
      expect.objectContaining({ orderId: order.id, type: 'MNP', reason: 'retries-exhausted', state: 'dead', attempts: 4 }),
    ]);
  });

  it('stores poison messages too, as bytes, with the type taken from the source queue', async () => {
    await probe.publishRaw(names.deadLetterQueue, Buffer.from([0xff, 0xfe, 0x00]), { 'x-dead-letter-reason': 'invalid-json', 'x-dead-lettered-at': new Date().toISOString(), 'x-source-queue': names.queueFor('MNP') }, 'poison-1');
    const { items } = await eventually(() => list('?reason=invalid-json'), ({ items: found }) => found.length === 1);
    expect(items[0]).toMatchObject({ orderId: 'poison-1', type: 'MNP', state: 'dead' });
    const detail = (await app.inject({ method: 'GET', url: `/api/v1/dead-letters/${items[0].id}`, headers: as(VIEWER) })).json();
    expect(detail).toMatchObject({ bodyEncoding: 'base64', body: Buffer.from([0xff, 0xfe, 0x00]).toString('base64') });
  });

  it('asks for a token (401), keeps viewers from operating (403) and refuses bad input (400)', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/dead-letters' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/overview', headers: as('not-a-known-token-at-all') })).statusCode).toBe(401);
    expect((await post('/api/v1/dead-letters/replay', { type: 'MNP' }, VIEWER)).statusCode).toBe(403);
    expect((await post('/api/v1/dead-letters/purge', { type: 'MNP', confirm: true }, VIEWER)).statusCode).toBe(403);
    const both = await post('/api/v1/dead-letters/replay', { type: 'MNP', ids: ['1'] });
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toMatch(/either ids .* or type/);
    expect((await post('/api/v1/dead-letters/replay', { type: 'FAX' })).statusCode).toBe(400);
    expect((await post('/api/v1/dead-letters/replay', { ids: ['1; DROP TABLE x'] })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/dead-letters?state=gone', headers: as(VIEWER) })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/dead-letters/abc', headers: as(VIEWER) })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/dead-letters/999999', headers: as(VIEWER) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/whoami', headers: as(VIEWER) })).json()).toMatchObject({ role: 'viewer' });
  });

  it('replays a dead letter as the original order with a fresh attempt count, once, and records who did it', async () => {
    const order = envelope('MNP');
    await probe.publishRaw(names.deadLetterQueue, Buffer.from(JSON.stringify(order)), deadLetterHeaders(order, names), order.id);
    const stored = (await storedFor(order.id)).items.find((item) => item.orderId === order.id) as Summary;

    const response = await post('/api/v1/dead-letters/replay', { ids: [stored.id] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ done: [stored.id], failed: [] });

    const [message] = await eventually(() => probe.drain(names.queueFor('MNP')), (messages) => messages.length > 0);
    expect(JSON.parse(message.content.toString())).toEqual(order);
    expect(message.properties).toMatchObject({ messageId: order.id, deliveryMode: 2 });
    expect(message.properties.headers).toMatchObject({ 'x-attempt': 1, 'x-replayed-from': stored.id, 'x-correlation-id': order.correlationId });
    expect(message.properties.headers).not.toHaveProperty('x-dead-letter-reason');

    const again = (await post('/api/v1/dead-letters/replay', { ids: [stored.id] })).json();
    expect(again.done).toEqual([]);
    expect(again.failed).toEqual([{ id: stored.id, error: expect.stringMatching(/not found in state dead/) }]);
    expect(await probe.messageCount(names.queueFor('MNP'))).toBe(0);

    const detail = (await app.inject({ method: 'GET', url: `/api/v1/dead-letters/${stored.id}`, headers: as(VIEWER) })).json();
    expect(detail.state).toBe('replayed');
    expect(detail.body).not.toContain(EXAMPLE_PAYLOADS.MNP.msisdn);
    expect(JSON.parse(detail.body)).toMatchObject({ id: order.id, payload: { planCode: EXAMPLE_PAYLOADS.MNP.planCode } });
    expect(detail.history.map((event: { event: string; actor: string }) => [event.event, event.actor.split(':')[0]])).toEqual([
      ['collected', 'collector'],
      ['replayed', 'operator'],
    ]);
  });

  it('purges only with confirmation, all dead of a type, and keeps their history', async () => {
    const orders = [envelope('MNP'), envelope('MNP')];
    for (const order of orders) await probe.publishRaw(names.deadLetterQueue, Buffer.from(JSON.stringify(order)), deadLetterHeaders(order, names, 'backend-refused'), order.id);
    await eventually(() => list('?reason=backend-refused'), ({ items }) => items.length === 2);

    const unconfirmed = await post('/api/v1/dead-letters/purge', { type: 'MNP' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().message).toMatch(/confirm/);
    expect((await list('?type=MNP&state=dead')).total).toBeGreaterThanOrEqual(2);

    const purged = (await post('/api/v1/dead-letters/purge', { type: 'MNP', confirm: true })).json();
    expect(purged.failed).toEqual([]);
    expect((await list('?type=MNP&state=dead')).total).toBe(0);
    const refused = (await list('?reason=backend-refused')).items;
    expect(refused.map((item) => item.state)).toEqual(['purged', 'purged']);
    const detail = (await app.inject({ method: 'GET', url: `/api/v1/dead-letters/${refused[0].id}`, headers: as(VIEWER) })).json();
    expect(detail.history.map((event: { event: string }) => event.event)).toEqual(['collected', 'purged']);
  });

  it('shows the store and the queues in the overview and on /metrics', async () => {
    await probe.publishRaw(names.queueFor('SUBSCRIPTION'), Buffer.from(JSON.stringify(envelope('SUBSCRIPTION'))));
    const overview = await eventually(
      async () => (await app.inject({ method: 'GET', url: '/api/v1/overview', headers: as(VIEWER) })).json(),
      (body) => body.types.find((type: { type: string }) => type.type === 'SUBSCRIPTION')?.ready === 1,
    );
    const subscription = overview.types.find((type: { type: string }) => type.type === 'SUBSCRIPTION');
    expect(subscription).toMatchObject({ queue: names.queueFor('SUBSCRIPTION'), ready: 1, depth: 1 });
    expect(overview.types.find((type: { type: string }) => type.type === 'MNP').deadLetters).toMatchObject({ replayed: 1 });

    const metrics = await eventually(
      async () => (await app.inject({ method: 'GET', url: '/metrics' })).body,
      (text) => text.includes(`bss_queue_length{queue="${names.queueFor('SUBSCRIPTION')}"} 1`),
    );
    expect(metrics).toContain(`bss_queue_length{queue="${names.queueFor('SUBSCRIPTION')}"} 1`);
    expect(metrics).toMatch(/bss_dead_letters_stored\{type="MNP",reason="backend-refused",state="purged"\} 2/);
    expect(metrics).toContain('bss_dead_letter_replays_total{type="MNP"} 1');
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it('answers the dlq CLI over HTTP: a table, JSON, and non-zero exit codes on errors', async () => {
    await app.listen(0, '127.0.0.1');
    const env = { OPS_CONSOLE_URL: await app.getUrl() };
    const run = async (argv: string[], token: string) => {
      const lines: string[] = [];
      const errors: string[] = [];
      const code = await runDlq(argv, { ...env, OPS_TOKEN: token }, { out: (line) => lines.push(line), err: (line) => errors.push(line) });
      return { code, out: lines.join('\n'), err: errors.join('\n') };
    };
    const listed = await run(['list', '--reason', 'backend-refused'], VIEWER);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^id\s+orderId\s+type\s+reason/);
    expect(listed.out).toMatch(/2 of 2$/);
    const asJson = await run(['list', '--type=MNP', '--json'], VIEWER);
    expect(JSON.parse(asJson.out).total).toBeGreaterThanOrEqual(3);
    const forbidden = await run(['replay', '--type', 'MNP'], VIEWER);
    expect(forbidden).toMatchObject({ code: 1, err: expect.stringContaining('403') });
    const nothingLeft = await run(['replay', '--id', '999999'], OPERATOR);
    expect(nothingLeft).toMatchObject({ code: 1, out: expect.stringContaining('failed 999999') });
    expect((await run(['purge', '--type', 'MNP'], OPERATOR)).code).toBe(2);
  });

  it('serves the web UI without a token', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="app.js"></script>');
    expect((await app.inject({ method: 'GET', url: '/app.js' })).statusCode).toBe(200);
  });
});

interface TypeRates {
  type: string;
  ready: number;
  arrivalRate: number | null;
  drainRate: number | null;
  rateSource: string | null;
}

describe('ops-console replay through a broker that confirms late', () => {
  const names = uniqueTopology('ops-late');
  const schema = `test_ops_${randomUUID().slice(0, 8)}`;
  let probe: BrokerProbe;
  let link: FaultyLink;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    const { hostname, port } = new URL(TEST_BROKER_URL);
    link = await FaultyLink.open({ host: hostname, port: Number(port || 5672) });
    app = await startApp({ RABBITMQ_URL: link.urlFor(TEST_BROKER_URL), RABBITMQ_HEARTBEAT_SEC: '20', QUEUE_NAME: names.prefix, DATABASE_SCHEMA: schema });
    await eventually(async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode, (code) => code === 200);
  });

  afterAll(async () => {
    await app.close();
    await link.close();
    await probe.deleteTopology(names);
    await probe.close();
    await dropSchema(schema);
  });

  it('reports a replay whose confirm did not come as of unknown outcome, leaves it dead, and a second replay keeps the order id', async () => {
    const order = envelope('MNP');
    await probe.publishRaw(names.deadLetterQueue, Buffer.from(JSON.stringify(order)), deadLetterHeaders(order, names), order.id);
    const headers = { ...as(OPERATOR), 'content-type': 'application/json' };
    const list = async () => (await app.inject({ method: 'GET', url: '/api/v1/dead-letters', headers: as(VIEWER) })).json() as { items: Summary[] };
    const stored = (await eventually(list, ({ items }) => items.some((item) => item.orderId === order.id))).items.find((item) => item.orderId === order.id) as Summary;

    link.setMode({ kind: 'delay', ms: 7000 });
    const late = (await app.inject({ method: 'POST', url: '/api/v1/dead-letters/replay', headers, payload: JSON.stringify({ ids: [stored.id] }) })).json();
    expect(late).toEqual({ done: [], failed: [{ id: stored.id, error: expect.stringMatching(/^outcome unknown \(confirm-timeout\).*replaying it again is safe/) }] });
    link.setMode({ kind: 'pass' });
    expect((await list()).items.find((item) => item.id === stored.id)?.state).toBe('dead');

    const again = await eventually(
      async () => (await app.inject({ method: 'POST', url: '/api/v1/dead-letters/replay', headers, payload: JSON.stringify({ ids: [stored.id] }) })).json(),
      (result) => result.done.length === 1,
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(again).toEqual({ done: [stored.id], failed: [] });
    const copies = await eventually(() => probe.messageCount(names.queueFor('MNP')), (count) => count === 2);
    expect(copies).toBe(2);
    expect(new Set((await probe.drain(names.queueFor('MNP'))).map((message) => message.properties.messageId))).toEqual(new Set([order.id]));
  }, 60_000);
});

describe('ops-console arrival and drain from the processors\' counters', () => {
  const names = uniqueTopology('ops-rates');
  const schema = `test_ops_${randomUUID().slice(0, 8)}`;
  /** What a stand-in MNP processor has counted: it hands deliveries back all along, and drains once told to. */
  const processed = { applied: 7, requeued: 0, appliedPerScrape: 0, requeuedPerScrape: 5 };
  let processor: Server;
  let probe: BrokerProbe;
  let app: NestFastifyApplication;

  const mnp = async () => {
    const overview = (await app.inject({ method: 'GET', url: '/api/v1/overview', headers: as(VIEWER) })).json() as { types: TypeRates[] };
    return { mnp: overview.types.find((type) => type.type === 'MNP') as TypeRates, change: overview.types.find((type) => type.type === 'CHANGE') as TypeRates };
  };

  beforeAll(async () => {
    processor = createServer((_request, response) => {
      processed.applied += processed.appliedPerScrape;
      processed.requeued += processed.requeuedPerScrape;
      response.end(
        [
          `bss_messages_processed_total{type="MNP",outcome="applied"} ${processed.applied}`,
          `bss_messages_processed_total{type="MNP",outcome="requeued"} ${processed.requeued}`,
          'bss_backend_rate_limit{type="MNP"} 25',
          'bss_backend_learned_limit{type="MNP"} 18.5',
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => processor.listen(0, '127.0.0.1', resolve));
    probe = await BrokerProbe.connect();
    const { port } = processor.address() as AddressInfo;
    app = await startApp({ QUEUE_NAME: names.prefix, DATABASE_SCHEMA: schema, PROCESSOR_METRICS_URLS: `http://127.0.0.1:${port}/metrics` });
    await eventually(async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode, (code) => code === 200);
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => processor.close(resolve));
    await probe.deleteTopology(names);
    await probe.close();
    await dropSchema(schema);
  });

  it('shows arrivals from the live depth and the drain the processor counts, requeued deliveries left out', async () => {
    const idle = await eventually(mnp, (seen) => seen.mnp.rateSource === 'processors' && seen.mnp.arrivalRate === 0);
    expect(idle.mnp).toMatchObject({ rateSource: 'processors', drainRate: 0, arrivalRate: 0, backendBudget: 25, learnedLimit: 18.5 });
    expect(idle.change.rateSource).not.toBe('processors');

    for (let index = 0; index < 30; index += 1) await probe.publishRaw(names.queueFor('MNP'), Buffer.from(JSON.stringify(envelope('MNP'))));
    const arriving = await eventually(mnp, (seen) => seen.mnp.ready === 30 && (seen.mnp.arrivalRate ?? 0) > 0);
    expect(arriving.mnp).toMatchObject({ ready: 30, drainRate: 0, rateSource: 'processors' });
    expect(arriving.mnp.arrivalRate).toBeGreaterThan(0);

    processed.appliedPerScrape = 5;
    const draining = await eventually(mnp, (seen) => (seen.mnp.drainRate ?? 0) > 0);
    expect(draining.mnp.rateSource).toBe('processors');
    expect(draining.mnp.drainRate).toBeGreaterThan(0);
  }, 60_000);
});

describe('ops-console with monitoring off', () => {
  it('answers 404 on /metrics', async () => {
    const names = uniqueTopology('ops-off');
    const schema = `test_ops_${randomUUID().slice(0, 8)}`;
    const app = await startApp({ QUEUE_NAME: names.prefix, DATABASE_SCHEMA: schema, MONITORING_ENABLED: 'false' });
    const probe = await BrokerProbe.connect();
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await probe.deleteTopology(names);
      await probe.close();
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
