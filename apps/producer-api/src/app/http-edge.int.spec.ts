import { EXAMPLE_PAYLOADS } from '@bss/contracts';
import { BrokerProbe, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { startProducerForTest, untilReady } from './testing/producer-test-app';

interface SlowSend {
  /** Milliseconds from connecting until the server closed the connection. */
  readonly closedAfterMs: number;
  /** What the server answered before closing, if anything. */
  readonly answer: string;
  readonly bytesSent: number;
}

/** Opens a connection, sends `head` at once, then `trickle` one byte per `intervalMs` until the server closes it. */
function sendSlowly(port: number, head: string, trickle: string, intervalMs = 1000): Promise<SlowSend> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const sendNext = () => {
      if (bytesSent >= trickle.length || socket.destroyed) return;
      socket.write(trickle[bytesSent]);
      bytesSent += 1;
      timer = setTimeout(sendNext, intervalMs);
    };
    socket.on('connect', () => {
      if (head) socket.write(head);
      timer = setTimeout(sendNext, intervalMs);
    });
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - started, answer, bytesSent });
    });
  });
}

const ORDER = JSON.stringify({ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
const HEADERS = `POST /api/v1/orders HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(ORDER)}\r\n\r\n`;

async function listening(env: Record<string, string>): Promise<{ app: NestFastifyApplication; port: number }> {
  const app = await startProducerForTest(env);
  await app.listen(0, '127.0.0.1');
  await untilReady(app);
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}

describe('producer-api holds slow and idle connections to account', () => {
  const names = uniqueTopology('producer-edge');
  let probe: BrokerProbe;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });
  afterAll(async () => {
    await probe.deleteTopology(names);
    await probe.close();
  });

  describe('with the default limits', () => {
    let app: NestFastifyApplication;
    let port: number;

    beforeAll(async () => {
      ({ app, port } = await listening({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix }));
    });
    afterAll(() => app.close());

    it('cuts off a client that sends its headers a byte a second after 10 s, and one that so sends its body after 30 s', async () => {
      const [slowHeaders, slowBody] = await Promise.all([sendSlowly(port, '', HEADERS), sendSlowly(port, HEADERS, ORDER)]);
      expect(slowHeaders.closedAfterMs).toBeGreaterThanOrEqual(9_000);
      expect(slowHeaders.closedAfterMs).toBeLessThan(13_000);
      expect(slowBody.closedAfterMs).toBeGreaterThanOrEqual(29_000);
      expect(slowBody.closedAfterMs).toBeLessThan(33_000);
      expect(slowBody.bytesSent).toBeLessThan(ORDER.length);
      expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(await probe.messageCount(names.queueFor('MNP'))).toBe(0);
    }, 45_000);

    it('refuses headers over HTTP_MAX_HEADER_BYTES with 431', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { headers: { 'x-padding': 'x'.repeat(20_000) } });
      expect(response.status).toBe(431);
    });
  });

  describe('with short limits configured', () => {
    let app: NestFastifyApplication;
    let port: number;

    beforeAll(async () => {
      ({ app, port } = await listening({
        RABBITMQ_URL: TEST_BROKER_URL,
        QUEUE_NAME: names.prefix,
        HTTP_HEADERS_TIMEOUT_SEC: '2',
        HTTP_REQUEST_TIMEOUT_SEC: '3',
        HTTP_KEEP_ALIVE_TIMEOUT_SEC: '1',
      }));
    });
    afterAll(() => app.close());

    it('closes a connection that never sends a byte, and an idle kept-alive one', async () => {
      const silent = sendSlowly(port, '', '');
      const idle = sendSlowly(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n', '');
      const [never, afterRequest] = await Promise.all([silent, idle]);
      expect(never.closedAfterMs).toBeLessThan(5_000);
      expect(afterRequest.answer).toMatch(/^HTTP\/1\.1 200/);
      expect(afterRequest.closedAfterMs).toBeLessThan(3_000);
    });

    it('still serves a client that sends at a normal pace', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ORDER });
      expect(response.status).toBe(202);
      await probe.drain(names.queueFor('MNP'));
    });
  });
});
