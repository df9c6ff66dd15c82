import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CORRELATION_ID_HEADER, resolveCorrelationId } from '@bss/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Every request gets a correlation id (the caller's, or a new one), echoed in the response. */
export function installCorrelationIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const correlationId = resolveCorrelationId(request.headers[CORRELATION_ID_HEADER]);
    request.headers[CORRELATION_ID_HEADER] = correlationId;
    void reply.header(CORRELATION_ID_HEADER, correlationId);
    done();
  });
}

export const CorrelationId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return resolveCorrelationId(request.headers[CORRELATION_ID_HEADER]);
});
