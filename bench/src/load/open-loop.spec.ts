import { createServer, Server } from 'node:http';
import { runOpenLoop } from './open-loop';

describe('runOpenLoop', () => {
  let server: Server;
  let port: number;
  let delayMs = 0;
  const arrivals: number[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      arrivals.push(performance.now());
      request.resume();
      request.on('end', () => setTimeout(() => response.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}'), delayMs));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends the rate on an even schedule and sees every answer', async () => {
    arrivals.length = 0;
    const bodies: string[] = [];
    const run = await runOpenLoop({ url: `http://127.0.0.1:${port}/x`, body: '{}', ratePerSec: 200, durationSec: 1, connections: 10, onResponse: (_status, body) => bodies.push(body) });
    expect(run.succeeded).toBe(200);
    expect(run.statusCodes).toEqual({ '202': 200 });
    expect(bodies[0]).toBe('{"ok":true}');
    // Spread over the second, not sent in a burst; the median gap ignores a stall of this shared machine.
    const gaps = arrivals
      .slice(1)
      .map((at, index) => at - arrivals[index])
      .sort((a, b) => a - b);
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThan(800);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(15);
  });

  it('counts a slow answer from when its request was due, not from when a connection was free', async () => {
    delayMs = 100;
    const run = await runOpenLoop({ url: `http://127.0.0.1:${port}/x`, body: '{}', ratePerSec: 50, durationSec: 1, connections: 2 });
    delayMs = 0;
    expect(run.succeeded).toBe(50);
    // Two connections of 100 ms calls carry 20 calls/s: the last of 50, due after 1 s, is answered after 2.5 s.
    expect(Math.max(...run.latenciesMs)).toBeGreaterThan(1000);
  }, 15_000);
});
