import { Agent, request } from 'node:http';
import { HttpLoadRun } from './http-load';

export interface OpenLoopLoad {
  readonly url: string;
  readonly body: string;
  readonly ratePerSec: number;
  readonly durationSec: number;
  /** Keep-alive connections at most; a request finding none free waits, and its wait counts. */
  readonly connections: number;
  readonly onResponse?: (status: number, body: string) => void;
}

const TICK_MS = 1;
const TIMEOUT_MS = 10_000;

/**
 * Open-loop load: requests leave on an even schedule (one every 1/rate s) whether or not earlier
 * ones were answered, and each latency counts from the moment its request was due, so a stall
 * shows in full instead of slowing the generator (no coordinated omission). autocannon's
 * `overallRate` instead fires every connection's share at once each second: bursts of 50 that
 * measure their own queueing.
 */
export async function runOpenLoop(load: OpenLoopLoad): Promise<HttpLoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: load.connections });
  const target = new URL(load.url);
  const body = Buffer.from(load.body);
  const total = Math.round(load.ratePerSec * load.durationSec);
  const latenciesMs: number[] = [];
  const statusCodes: Record<string, number> = {};
  let succeeded = 0;
  let errors = 0;
  const startedAt = performance.now();
  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const finish = (status: number | undefined, text: string) => {
        latenciesMs.push(performance.now() - dueAt);
        if (status !== undefined) statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        if (status !== undefined && status >= 200 && status < 300) succeeded += 1;
        else errors += 1;
        if (status !== undefined) load.onResponse?.(status, text);
        resolve();
      };
      const call = request(target, { method: 'POST', agent, timeout: TIMEOUT_MS, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => finish(answer.statusCode, Buffer.concat(chunks).toString('utf8')));
      });
      call.on('timeout', () => call.destroy(new Error('timed out')));
      call.on('error', () => finish(undefined, ''));
      call.end(body);
    });
  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) * load.ratePerSec) / 1000));
      for (; sent < due; sent += 1) inFlight.push(send(startedAt + (sent * 1000) / load.ratePerSec));
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.all(inFlight);
  agent.destroy();
  return { succeeded, errors, statusCodes, elapsedMs: performance.now() - startedAt, latenciesMs };
}
