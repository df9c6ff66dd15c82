import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'viewer' | 'operator';

export interface Caller {
  readonly role: Role;
  /** Role and a short fingerprint of the token, for history: says who without revealing the secret. */
  readonly actor: string;
}

interface KnownToken {
  readonly digest: Buffer;
  readonly role: Role;
}

/**
 * Resolves a bearer token to its role. Tokens are compared as SHA-256 digests in constant time and
 * every known token is compared, so timing reveals neither which token nor how much of it matched.
 */
export class TokenRoles {
  private readonly tokens: KnownToken[];

  constructor(viewerTokens: readonly string[], operatorTokens: readonly string[]) {
    this.tokens = [
      ...viewerTokens.map((token) => ({ digest: digest(token), role: 'viewer' as const })),
      ...operatorTokens.map((token) => ({ digest: digest(token), role: 'operator' as const })),
    ];
  }

  identify(token: string): Caller | undefined {
    const candidate = digest(token);
    let role: Role | undefined;
    for (const known of this.tokens) {
      if (timingSafeEqual(known.digest, candidate) && role !== 'operator') role = known.role;
    }
    return role ? { role, actor: `${role}:${candidate.toString('hex').slice(0, 8)}` } : undefined;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
