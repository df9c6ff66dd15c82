import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/** Limits calls in flight at once; `tryEnter` returns a release function, or undefined when full. */
export interface ConcurrencyLimiter {
  tryEnter(): Promise<(() => Promise<void>) | undefined>;
}

export class LocalConcurrencyLimiter implements ConcurrencyLimiter {
  private inFlight = 0;

  constructor(private readonly limit: number) {}

  async tryEnter(): Promise<(() => Promise<void>) | undefined> {
    if (this.inFlight >= this.limit) return undefined;
    this.inFlight += 1;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
  }
}

/**
 * Shared across replicas: each call in flight holds a lease in a sorted set, scored by its expiry,
 * so a replica that dies mid-call cannot hold its slots beyond the lease time.
 */
const ENTER_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
return 1
`;

export class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly limit: number,
    private readonly leaseMs: number,
  ) {}

  async tryEnter(): Promise<(() => Promise<void>) | undefined> {
    const lease = randomUUID();
    const entered = Number(await this.redis.eval(ENTER_SCRIPT, 1, this.key, this.limit, lease, this.leaseMs));
    if (entered !== 1) return undefined;
    return async () => {
      await this.redis.zrem(this.key, lease);
    };
  }
}
