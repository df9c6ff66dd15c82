import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A set of secret keys a caller may present. Keys are compared as SHA-256 digests in constant time,
 * and every key is compared, so response timing says nothing about how much of a key was right.
 */
export class KeyRing {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get isEmpty(): boolean {
    return this.digests.length === 0;
  }

  holds(presented: string | undefined): boolean {
    const candidate = digest(presented ?? '');
    const matches = this.digests.reduce((found, key) => timingSafeEqual(key, candidate) || found, false);
    return presented !== undefined && matches;
  }
}

/** The key a request presents: `x-api-key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i);
  return bearer?.[1];
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
