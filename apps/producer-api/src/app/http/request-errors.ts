import type { FastifyInstance } from 'fastify';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The API speaks JSON only. Fastify and Nest would otherwise parse text/plain and form bodies and
 * hand them to validation, which would answer 400 for what is really the wrong media type (415).
 */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    const contentType = request.headers['content-type'] ?? '';
    if (BODY_METHODS.has(request.method) && hasBody && !JSON_CONTENT_TYPE.test(contentType)) {
      void reply.status(415).send({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `Content-Type must be application/json; got ${contentType ? JSON.stringify(contentType) : 'none'}`,
      });
      return;
    }
    done();
  });
}
