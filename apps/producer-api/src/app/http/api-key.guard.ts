import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientIdOf } from '@bss/order-tracking';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { identifyClient } from './client-identity';
import { KeyRing, presentedKey } from './key-ring';

/**
 * Requires one of the configured API keys (`x-api-key: <key>` or `Authorization: Bearer <key>`)
 * whenever API_KEYS is set. A request let in is identified by its key's id (clientIdOf), which owns
 * the orders and callbacks it creates.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: KeyRing;

  constructor(@Inject(PRODUCER_CONFIG) config: ProducerConfig) {
    this.keys = new KeyRing(config.API_KEYS);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (this.keys.isEmpty) {
      identifyClient(request, clientIdOf(undefined));
      return true;
    }
    const presented = presentedKey(request);
    if (this.keys.holds(presented)) {
      identifyClient(request, clientIdOf(presented));
      return true;
    }
    http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="bss-orders"');
    throw new UnauthorizedException(
      presented === undefined ? 'an API key is required (x-api-key header or Authorization: Bearer)' : 'the API key is not valid',
    );
  }
}
