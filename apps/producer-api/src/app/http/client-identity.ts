import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const clientIds = new WeakMap<FastifyRequest, string>();

/** Set by ApiKeyGuard once it let the request in: whose request this is. */
export function identifyClient(request: FastifyRequest, clientId: string): void {
  clientIds.set(request, clientId);
}

/** The id of the API key the request came with (ApiKeyGuard must guard the route). */
export const ClientId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const clientId = clientIds.get(context.switchToHttp().getRequest<FastifyRequest>());
  if (clientId === undefined) throw new Error('no client id: the route is not guarded by ApiKeyGuard');
  return clientId;
});
