import { hostname } from 'node:os';
import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope } from '@bss/contracts';
import { eventually } from '@bss/messaging/testing';
import { createMetrics } from '@bss/observability';
import { getEventListeners } from 'node:events';
import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { BackendClient } from './backend-client';
import { KeepAliveHttpOptions } from './keep-alive-http';
import { OverloadBackoff } from './limiter/overload-backoff';
import { StaticRate } from './limiter/rate-control';
import { BackendBudget } from './limiter/backend-budget';
import { LOOPBACK_TLS } from './loopback-tls.fixture';
import { OrderContext } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { ProcessorMetrics } from './processor-metrics';

const unlimited = () => new BackendBudget({ control: new StaticRate(0, new OverloadBackoff({ minFactor: 0.1, recoveryPerSecond: 0.1 })) });

interface Recorded {
  url?: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  clientPort?: number;
}

interface Answer {
  status: number;
  body: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
}

/** Answers what `answer()` says after reading the request; records every request and connection. */
function recordingListener(answer: () => Answer, recorded: Recorded[]): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      recorded.push({ url: request.url, headers: request.headers, body: JSON.parse(text), clientPort: request.socket.remotePort });
      const { status, body, delayMs, headers } = answer();
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, delayMs ?? 0);
    });
  };
}

async function listen(server: NetServer, scheme = 'http'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPortUrl(): Promise<string> {
  const closed = createServer();
  const url = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  return url;
}

/** A real HTTP server on loopback that answers what each test tells it to. */
describe('BackendClient over real HTTP', () => {
  let server: Server;
  let baseUrl: string;
  let answer: Answer;
  const recorded: Recorded[] = [];
  const connections: Socket[] = [];
  const clients: BackendClient[] = [];

  const newClient = (url = baseUrl, metrics?: ProcessorMetrics, options?: KeepAliveHttpOptions) => {
    const client = new BackendClient(url, unlimited(), metrics, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = createServer(
      recordingListener(() => answer, recorded),
    ).on('connection', (socket: Socket) => connections.push(socket));
    baseUrl = await listen(server);
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    recorded.splice(0);
    connections.splice(0);
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

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
    await expect(newClient().submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    expect(recorded[0]).toMatchObject({
      url: '/api/v1/subscriptions',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'order-42',
        'x-correlation-id': 'corr-42',
        'x-processor': 'subscription-processor',
        'x-processor-instance': `${hostname()}/${process.pid}`,
        'x-attempt': '2',
      },
      body: { orderId: 'order-42', origin: 'api', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION },
    });
  });

  it('maps the answers: duplicate, business rejection, retryable and terminal', async () => {
    const client = newClient(`${baseUrl}/`);
    answer = { status: 200, body: { status: 'duplicate' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'duplicate' });
    answer = { status: 422, body: { message: 'credit check failed' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'rejected', detail: 'credit check failed' });
    for (const status of [429, 500, 503]) {
      answer = { status, body: { message: 'busy' } };
      await expect(client.submit(order, context())).rejects.toBeInstanceOf(RetryableOrderError);
    }
    answer = { status: 503, body: 'upstream down' };
    await expect(client.submit(order, context())).rejects.toThrow('backend answered 503: upstream down');
    answer = { status: 400, body: { message: 'msisdn 010-1234-5678 unknown' } };
    const refused = client.submit(order, context());
    await expect(refused).rejects.toBeInstanceOf(TerminalOrderError);
    await expect(refused).rejects.toThrow('backend answered 400: msisdn 010-****-5678 unknown');
  });

  it('maps a 202 pending answer to the pending outcome, with when to ask again from Retry-After', async () => {
    const client = newClient();
    const pendingAnswer = (body: unknown, retryAfter?: string): Answer => ({ status: 202, body, ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }) });
    answer = pendingAnswer({ status: 'pending', reference: 'clearing-7', message: 'waiting' }, '3');
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'pending', reference: 'clearing-7', checkAfterMs: 3000 });
    answer = pendingAnswer({ status: 'pending' }, '0');
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'pending', reference: 'order-42', checkAfterMs: 1000 });
    answer = pendingAnswer({ status: 'pending', reference: '' }, '3600');
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'pending', reference: 'order-42', checkAfterMs: 60_000 });
    for (const retryAfter of [undefined, 'soon', 'Wed, 21 Oct 2026 07:28:00 GMT', '1.5', '-2']) {
      answer = pendingAnswer({ status: 'pending', reference: 'clearing-7' }, retryAfter);
      await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'pending', reference: 'clearing-7', checkAfterMs: 5000 });
    }
  });

  it('reads a 202 that does not say pending as applied, as any other 2xx', async () => {
    const client = newClient();
    answer = { status: 202, body: { status: 'applied' }, headers: { 'retry-after': '3' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    answer = { status: 202, body: 'pending' };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    answer = { status: 200, body: { status: 'pending' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'applied' });
  });

  /** A client whose budget's answered and overloaded calls are watched. */
  function clientWatchingItsBudget() {
    const budget = unlimited();
    const answered = jest.spyOn(budget, 'answered');
    const overloaded = jest.spyOn(budget, 'overloaded');
    const client = new BackendClient(baseUrl, budget);
    clients.push(client);
    return { client, answered, overloaded };
  }

  it('tells the backend budget that a pending answer is an answer, with its latency', async () => {
    const { client, answered: succeeded, overloaded } = clientWatchingItsBudget();
    answer = { status: 202, body: { status: 'pending' }, headers: { 'retry-after': '2' } };
    await expect(client.submit(order, context())).resolves.toMatchObject({ outcome: 'pending' });
    expect(succeeded).toHaveBeenCalledTimes(1);
    expect(succeeded.mock.calls[0][0]).toBeGreaterThan(0);
    expect(overloaded).not.toHaveBeenCalled();
  });

  it('tells the budget of overload on 429 and 503 only: a server error or a business answer is not one', async () => {
    const { client, answered, overloaded } = clientWatchingItsBudget();
    for (const status of [503, 429]) {
      answer = { status, body: { message: 'busy' } };
      await expect(client.submit(order, context())).rejects.toBeInstanceOf(RetryableOrderError);
    }
    answer = { status: 500, body: { message: 'broken' } };
    await expect(client.submit(order, context())).rejects.toBeInstanceOf(RetryableOrderError);
    answer = { status: 422, body: { message: 'number not portable' } };
    await expect(client.submit(order, context())).resolves.toMatchObject({ outcome: 'rejected' });
    expect(overloaded).toHaveBeenCalledTimes(2);
    expect(answered).toHaveBeenCalledTimes(1);
  });

  it('reuses one kept-alive connection for calls made one after the other', async () => {
    const client = newClient();
    answer = { status: 201, body: { status: 'applied' } };
    const signal = new AbortController().signal;
    for (let call = 0; call < 5; call += 1) await client.submit(order, context(signal));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    answer = { status: 422, body: { message: 'number not portable' } };
    await client.submit(order, context());
    answer = { status: 503, body: { message: 'busy' } };
    await client.submit(order, context()).catch(() => undefined);
    expect(recorded).toHaveLength(7);
    expect(connections).toHaveLength(1);
    expect(new Set(recorded.map((request) => request.clientPort)).size).toBe(1);
  });

  it('opens no more connections than maxSockets, however many calls run at once', async () => {
    const client = newClient(baseUrl, undefined, { maxSockets: 2 });
    answer = { status: 201, body: { status: 'applied' }, delayMs: 20 };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.submit(order, context())));
    expect(outcomes).toEqual(Array(6).fill({ outcome: 'applied' }));
    expect(connections).toHaveLength(2);
  });

  it('keeps only the start of a huge answer and still reuses the connection', async () => {
    const client = newClient();
    answer = { status: 422, body: 'x'.repeat(1_000_000) };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'rejected', detail: 'x'.repeat(500) });
    answer = { status: 201, body: { status: 'applied' } };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    expect(connections).toHaveLength(1);
  });

  it('lets a slow call run past the idle timeout, then closes the idle connection', async () => {
    const client = newClient(baseUrl, undefined, { idleSocketMs: 100 });
    answer = { status: 201, body: { status: 'applied' }, delayMs: 400 };
    await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    expect(connections).toHaveLength(1);
    const closed = await eventually(
      async () => connections.every((socket) => socket.destroyed),
      (done) => done,
      { timeoutMs: 3_000, intervalMs: 20 },
    );
    expect(closed).toBe(true);
  });

  it('closes its connections when closed', async () => {
    const client = newClient();
    answer = { status: 201, body: { status: 'applied' } };
    await client.submit(order, context());
    expect(connections).toHaveLength(1);
    expect(connections[0]?.destroyed).toBe(false);
    client.close();
    const closed = await eventually(
      async () => connections.every((socket) => socket.destroyed),
      (done) => done,
      { timeoutMs: 3_000, intervalMs: 20 },
    );
    expect(closed).toBe(true);
  });

  it('treats an unreachable backend, a timed-out call and an aborted one as retryable', async () => {
    await expect(newClient(await closedPortUrl()).submit(order, context())).rejects.toThrow(/backend unreachable: ECONNREFUSED/);
    answer = { status: 201, body: { status: 'applied' }, delayMs: 300 };
    const timedOut = newClient().submit(order, context(AbortSignal.timeout(50)));
    await expect(timedOut).rejects.toBeInstanceOf(RetryableOrderError);
    await expect(timedOut).rejects.toThrow('backend unreachable: The operation was aborted due to timeout');
    const controller = new AbortController();
    const aborted = newClient().submit(order, context(controller.signal));
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toThrow('backend unreachable: This operation was aborted');
    await expect(newClient().submit(order, context(AbortSignal.abort()))).rejects.toThrow('backend unreachable: This operation was aborted');
  });

  it('counts every call by status and every failure by kind, with nothing left in flight', async () => {
    const metrics = createMetrics({ enabled: true });
    const client = newClient(baseUrl, new ProcessorMetrics(metrics, 'SUBSCRIPTION'));
    for (const status of [201, 422, 429, 500, 504, 409]) {
      answer = { status, body: { message: 'answer' } };
      await client.submit(order, context()).catch(() => undefined);
    }
    answer = { status: 201, body: { status: 'applied' }, delayMs: 300 };
    await client.submit(order, context(AbortSignal.timeout(50))).catch(() => undefined);
    const unreachable = newClient(await closedPortUrl(), new ProcessorMetrics(metrics, 'SUBSCRIPTION'));
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

describe('BackendClient over real HTTPS', () => {
  let server: TlsServer;
  let baseUrl: string;
  const recorded: Recorded[] = [];
  let connections = 0;

  beforeAll(async () => {
    server = createTlsServer(LOOPBACK_TLS, recordingListener(() => ({ status: 201, body: { status: 'applied' } }), recorded)).on(
      'secureConnection',
      () => (connections += 1),
    );
    baseUrl = await listen(server, 'https');
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const order: OrderEnvelope = {
    id: 'order-43',
    type: 'MNP',
    version: ENVELOPE_VERSION,
    acceptedAt: '2026-11-27T10:00:00.000Z',
    correlationId: 'corr-43',
    origin: 'api',
    payload: EXAMPLE_PAYLOADS.MNP,
  };
  const context = () => new OrderContext(1, false, 'corr-43', new AbortController().signal, Date.now() + 5000, 'mnp-processor');

  it('calls an https backend over one kept-alive TLS connection', async () => {
    const client = new BackendClient(baseUrl, unlimited(), undefined, { ca: LOOPBACK_TLS.cert });
    try {
      for (let call = 0; call < 3; call += 1) await expect(client.submit(order, context())).resolves.toEqual({ outcome: 'applied' });
    } finally {
      client.close();
    }
    expect(recorded.map((request) => request.url)).toEqual(Array(3).fill('/api/v1/number-ports'));
    expect(connections).toBe(1);
  });

  it('refuses a backend whose certificate it does not trust', async () => {
    const client = new BackendClient(baseUrl, unlimited());
    try {
      await expect(client.submit(order, context())).rejects.toThrow('backend unreachable: DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      client.close();
    }
  });
});
