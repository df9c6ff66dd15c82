import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { clientIdOf } from '@bss/order-tracking';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { identifyClient } from './client-identity';

/**
 * Requires one of the configured API keys (`x-api-key: <key>` or `Authorization: Bearer <key>`)
 * whenever API_KEYS is set. Keys are compared as SHA-256 digests in constant time, and every key is
 * compared, so response timing says nothing about how much of a key was right. A request let in is
 * identified by its key's id (clientIdOf), which owns the orders and callbacks it creates.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keyDigests: Buffer[];

  constructor(@Inject(PRODUCER_CONFIG) config: ProducerConfig) {
    this.keyDigests = config.API_KEYS.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (this.keyDigests.length === 0) {
      identifyClient(request, clientIdOf(undefined));
      return true;
    }
    const presented = presentedKey(request);
    const candidate = digest(presented ?? '');
    const matches = this.keyDigests.reduce((found, key) => timingSafeEqual(key, candidate) || found, false);
    if (presented !== undefined && matches) {
      identifyClient(request, clientIdOf(presented));
      return true;
    }
    http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="bss-orders"');
    throw new UnauthorizedException(
      presented === undefined ? 'an API key is required (x-api-key header or Authorization: Bearer)' : 'the API key is not valid',
    );
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i);
  return bearer?.[1];
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
