import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope } from '@bss/contracts';
import { createMetrics } from '@bss/observability';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BackendClient } from './backend-client';
import { AdaptiveRate } from './limiter/adaptive-rate';
import { BackendBudget } from './limiter/backend-budget';

const unlimited = () => new BackendBudget({ baseRatePerSecond: 0, adaptive: new AdaptiveRate({ minFactor: 0.1, recoveryPerSecond: 0.1 }) });
import { OrderContext } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { ProcessorMetrics } from './processor-metrics';

interface Recorded {
  url?: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A real HTTP server on loopback that answers what each test tells it to. */
describe('BackendClient over real HTTP', () => {
  let server: Server;
  let baseUrl: string;
  let answer: { status: number; body: unknown; delayMs?: number };
  const recorded: Recorded[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        recorded.push({ url: request.url, headers: request.headers, body: JSON.parse(text) });
        setTimeout(() => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(answer.body));
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => recorded.splice(0));

  const order: OrderEnvelope = {
    id: 'order-42',
    type: 'SUBSCRIPTION',
    version: ENVELOPE_VERSION,
    acceptedAt: '2026-11-27T10:00:00.000Z',
    correlationId: 'corr-42',
    origin: 'api',
    payload: EXAMPLE_PAYLOADS.SUBSCRIPTION,
  };
  const context = (signal = new AbortController().signal) => new OrderContext(2, false, 'corr-42', signal, Date.now() + 5000, 'subscription-processor');

  it('posts the order to its resource with the order id as Idempotency-Key', async () => {
    answer = { status: 201, body: { status: 'applied' } };
    await expect(new BackendClient(baseUrl, unlimited()).submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    expect(recorded[0]).toMatchObject({
      url: '/api/v1/subscriptions',
      headers: { 'idempotency-key': 'order-42', 'x-correlation-id': 'corr-42', 'x-processor': 'subscription-processor', 'x-attempt': '2' },
      body: { orderId: 'order-42', origin: 'api', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION },
    });
  });

  it('maps the answers: duplicate, business rejection, retryable and terminal', async () => {
    const client = new BackendClient(`${baseUrl}/`, unlimited());
    answer = { status: 200, body: { status: 'duplicate' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'duplicate' });
    answer = { status: 422, body: { message: 'credit check failed' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'rejected', detail: 'credit check failed' });
    for (const status of [429, 500, 503]) {
      answer = { status, body: { message: 'busy' } };
      await expect(client.submit(order, context())).rejects.toBeInstanceOf(RetryableOrderError);
    }
    answer = { status: 400, body: { message: 'msisdn 010-1234-5678 unknown' } };
    const refused = client.submit(order, context());
    await expect(refused).rejects.toBeInstanceOf(TerminalOrderError);
    await expect(refused).rejects.toThrow('backend answered 400: msisdn 010-****-5678 unknown');
  });

  it('treats an unreachable backend and an aborted call as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(new BackendClient(`http://127.0.0.1:${closedPort}`, unlimited()).submit(order, context())).rejects.toThrow(
      /backend unreachable: ECONNREFUSED/,
    );
    answer = { status: 201, body: { status: 'applied' }, delayMs: 300 };
    await expect(new BackendClient(baseUrl, unlimited()).submit(order, context(AbortSignal.timeout(50)))).rejects.toBeInstanceOf(RetryableOrderError);
  });

  it('counts every call by status and every failure by kind, with nothing left in flight', async () => {
    const metrics = createMetrics({ enabled: true });
    const client = new BackendClient(baseUrl, unlimited(), new ProcessorMetrics(metrics, 'SUBSCRIPTION'));
    for (const status of [201, 422, 429, 500, 504, 409]) {
      answer = { status, body: { message: 'answer' } };
      await client.submit(order, context()).catch(() => undefined);
    }
    answer = { status: 201, body: { status: 'applied' }, delayMs: 300 };
    await client.submit(order, context(AbortSignal.timeout(50))).catch(() => undefined);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new BackendClient(`http://127.0.0.1:${closedPort}`, unlimited(), new ProcessorMetrics(metrics, 'SUBSCRIPTION'));
    await unreachable.submit(order, context()).catch(() => undefined);

    const lines = (await metrics.exposition()).split('\n');
    const series = (name: string) => lines.filter((line) => line.startsWith(`${name}{`)).sort();
    const statusLine = (status: string) => `bss_backend_requests_total{type="SUBSCRIPTION",status="${status}"} 1`;
    expect(series('bss_backend_requests_total')).toEqual(['201', '409', '422', '429', '500', '504', 'timeout', 'unreachable'].map(statusLine));
    expect(series('bss_backend_errors_total')).toEqual([
      'bss_backend_errors_total{type="SUBSCRIPTION",kind="overloaded"} 1',
      'bss_backend_errors_total{type="SUBSCRIPTION",kind="refused"} 1',
      'bss_backend_errors_total{type="SUBSCRIPTION",kind="server-error"} 1',
      'bss_backend_errors_total{type="SUBSCRIPTION",kind="timeout"} 2',
      'bss_backend_errors_total{type="SUBSCRIPTION",kind="unreachable"} 1',
    ]);
    expect(series('bss_backend_in_flight')).toEqual(['bss_backend_in_flight{type="SUBSCRIPTION"} 0']);
    expect(series('bss_limiter_wait_seconds_count')).toEqual(['bss_limiter_wait_seconds_count{type="SUBSCRIPTION"} 8']);
  });
});
