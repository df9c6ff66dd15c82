import { BACKEND_RESOURCES, OrderType } from '@bss/contracts';
import { randomUUID } from 'node:crypto';

/** What happened to one order at the front door (or, in direct mode, at the backend). */
export interface Sent {
  readonly type: OrderType;
  /** Unix ms when the request left. */
  readonly sentAtMs: number;
  readonly latencyMs: number;
  /** HTTP status, or 0 when the request failed without an answer (timeout, connection error). */
  readonly status: number;
  readonly orderId?: string;
  readonly acceptedAt?: string;
}

export type Target = (type: OrderType, payload: Record<string, unknown>) => Promise<Sent>;

async function timed(type: OrderType, call: () => Promise<{ status: number; orderId?: string; acceptedAt?: string }>): Promise<Sent> {
  const sentAtMs = Date.now();
  const started = performance.now();
  const result = await call().catch(() => ({ status: 0 }));
  return { type, sentAtMs, latencyMs: performance.now() - started, ...result };
}

/** Through the queue: producer-api's /api/v1/orders; accepted means 202. */
export function queueTarget(producerUrl: string, apiKey: string | undefined, timeoutMs: number): Target {
  return (type, payload) =>
    timed(type, async () => {
      const response = await fetch(`${producerUrl}/api/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
        body: JSON.stringify({ type, payload }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string; acceptedAt?: string };
      return { status: response.status, orderId: body.orderId, acceptedAt: body.acceptedAt };
    });
}

/**
 * Without a queue: the same orders straight to the backend, as a synchronous intake would call it.
 * Accepted means the backend answered with an outcome (2xx or a 422 business rejection).
 */
export function directTarget(backendUrl: string, timeoutMs: number): Target {
  return (type, payload) =>
    timed(type, async () => {
      const orderId = randomUUID();
      const acceptedAt = new Date().toISOString();
      const response = await fetch(`${backendUrl}/api/v1/${BACKEND_RESOURCES[type]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': orderId, 'x-processor': 'loadgen-direct' },
        body: JSON.stringify({ orderId, origin: 'api', payload }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      return { status: response.status, orderId, acceptedAt };
    });
}

export function isAccepted(mode: 'queue' | 'direct', status: number): boolean {
  return mode === 'queue' ? status === 202 : (status >= 200 && status < 300) || status === 422;
}
