import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { KeyRing, presentedKey } from './key-ring';

/** Requires one of the configured API keys (`x-api-key: <key>` or `Authorization: Bearer <key>`) whenever API_KEYS is set. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: KeyRing;

  constructor(@Inject(PRODUCER_CONFIG) config: ProducerConfig) {
    this.keys = new KeyRing(config.API_KEYS);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.isEmpty) return true;
    const http = context.switchToHttp();
    const presented = presentedKey(http.getRequest<FastifyRequest>());
    if (this.keys.holds(presented)) return true;
    http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="bss-orders"');
    throw new UnauthorizedException(
      presented === undefined ? 'an API key is required (x-api-key header or Authorization: Bearer)' : 'the API key is not valid',
    );
  }
}
