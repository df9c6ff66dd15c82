import type { FastifyInstance } from 'fastify';
import { IntakeMetrics, RejectionReason } from '../intake/intake-metrics';

/** Refusals that happen before an order reaches the intake: the body or the caller is wrong. */
const EDGE_REJECTIONS: Partial<Record<number, RejectionReason>> = {
  401: 'unauthorized',
  413: 'too-large',
  415: 'unsupported-media-type',
};

const BAD_REQUEST = 400;

/**
 * Counts intake requests refused at the edge (authentication, body size, media type, unparsable
 * JSON), whose order type is unknown. Refusals the intake decides (validation, broker) it counts
 * itself, per order.
 */
export function countEdgeRejections(fastify: FastifyInstance, metrics: IntakeMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.method === 'POST' && request.url.startsWith('/api/')) {
      const unparsed = reply.statusCode === BAD_REQUEST && request.body === undefined && hasBody(request.headers);
      const reason = EDGE_REJECTIONS[reply.statusCode] ?? (unparsed ? 'invalid' : undefined);
      if (reason) metrics.orderRejected('unknown', reason);
    }
    done();
  });
}

/** A 400 for a body that was sent but not parsed came from the JSON parser, before any controller. */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}
