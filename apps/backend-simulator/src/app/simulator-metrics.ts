import { OrderType, orderTypeOfBackendResource } from '@bss/contracts';
import { Metrics } from '@bss/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const ORDER_CALL = /^\/api\/v1\/([^/?]+)/;

/** The order type a backend call is for, or undefined for any other request (ledger, faults, load...). */
function orderCallTypeOf(request: FastifyRequest): string | undefined {
  if (request.method !== 'POST') return undefined;
  const resource = ORDER_CALL.exec(request.url)?.[1];
  if (resource === undefined) return undefined;
  return orderTypeOfBackendResource(resource) ?? 'unknown';
}

const REQUEST_TYPE = Symbol('orderCallType');

type CountedRequest = FastifyRequest & { [REQUEST_TYPE]?: string };

/**
 * Counts every order call by type and answered status, and the calls in flight, at the HTTP edge:
 * every way out of the controller (ledger answer, injected fault, overload, bad request) is seen.
 */
export function instrumentOrderCalls(fastify: FastifyInstance, metrics: Metrics): void {
  const requests = metrics.counter({ name: 'bss_simulator_requests_total', help: 'Order calls answered, by status', labelNames: ['type', 'status'] });
  const inFlight = metrics.gauge({ name: 'bss_simulator_in_flight', help: 'Order calls being served', labelNames: [] }).with({});
  fastify.addHook('onRequest', (request: CountedRequest, _reply, done) => {
    const type = orderCallTypeOf(request);
    if (type !== undefined) {
      request[REQUEST_TYPE] = type;
      inFlight.inc();
    }
    done();
  });
  fastify.addHook('onResponse', (request: CountedRequest, reply, done) => {
    const type = request[REQUEST_TYPE];
    if (type !== undefined) {
      inFlight.dec();
      requests.with({ type, status: String(reply.statusCode) }).inc();
    }
    done();
  });
}

/** A pending answer is for a new order, or for a status inquiry that found it still pending. */
export type PendingCall = 'first' | 'inquiry';

/**
 * What the edge counters cannot tell: a 202 is always a pending answer, but only the controller
 * knows whether it accepted a new order or answered an inquiry about one already waiting.
 */
export class SimulatorMetrics {
  private readonly pendingAnswers;

  constructor(metrics: Metrics) {
    this.pendingAnswers = metrics.counter({
      name: 'bss_simulator_pending_answers_total',
      help: 'Order calls answered pending (202), by whether the order was new or already waiting',
      labelNames: ['type', 'call'],
    });
  }

  answeredPending(type: OrderType, call: PendingCall): void {
    this.pendingAnswers.with({ type, call }).inc();
  }
}
