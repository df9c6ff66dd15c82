import type { Redis } from 'ioredis';
import { RateGrant, RateLimiter } from './rate-limiter';

/**
 * `reserveToken` as a Redis script, so every replica of a processor draws from one bucket. The
 * script reads Redis's own clock (TIME): replicas on machines with skewed clocks still agree.
 * With a second key, the rate is the `limit` stored there (the learned limit), so every replica
 * goes at the one shared rate even while its own copy of it is stale; ARGV's rate is the fallback.
 * Returns the wait in ms (≥ 0) for a reservation, or minus the wait when it was refused.
 */
const RESERVE_SCRIPT = `
local rate = tonumber(ARGV[1])
if KEYS[2] then
  local stored = redis.call('GET', KEYS[2])
  if stored then
    local ok, state = pcall(cjson.decode, stored)
    if ok and type(state) == 'table' and tonumber(state.limit) and tonumber(state.limit) > 0 then
      rate = tonumber(state.limit)
    end
  end
end
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(stored[1])
local updated = tonumber(stored[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
tokens = math.min(burst, tokens + (now - updated) * rate / 1000)
local wait = 0
if tokens < 1 then
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
if wait > max_wait then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], 60000)
  return -math.max(wait, 1)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000 + wait)
return wait
`;

export class RedisRateLimiter implements RateLimiter {
  private readonly keys: string[];
  private readonly burst: number;

  constructor(
    private readonly redis: Redis,
    key: string,
    private ratePerSecond: number,
    options: { readonly burst?: number; readonly rateKey?: string } = {},
  ) {
    this.keys = options.rateKey ? [key, options.rateKey] : [key];
    this.burst = options.burst ?? 1;
  }

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
  }

  async reserve(maxWaitMs: number): Promise<RateGrant> {
    const result = Number(await this.redis.eval(RESERVE_SCRIPT, this.keys.length, ...this.keys, this.ratePerSecond, this.burst, Math.max(0, Math.floor(maxWaitMs))));
    return result >= 0 ? { granted: true, waitMs: result } : { granted: false, waitMs: -result };
  }
}
