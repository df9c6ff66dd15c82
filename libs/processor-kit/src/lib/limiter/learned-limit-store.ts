import type { Redis } from 'ioredis';
import { LearnedLimitState } from './learned-limit';

/** Where the replicas of a type keep what they learned; `update` applies `learn` atomically, on the store's clock. */
export interface LearnedLimitStore {
  update(learn: (state: LearnedLimitState | undefined, nowMs: number) => LearnedLimitState): Promise<LearnedLimitState>;
}

/** This replica's own, when no Redis is configured. */
export class LocalLearnedLimitStore implements LearnedLimitStore {
  private state?: LearnedLimitState;

  constructor(private readonly now: () => number = Date.now) {}

  async update(learn: (state: LearnedLimitState | undefined, nowMs: number) => LearnedLimitState): Promise<LearnedLimitState> {
    this.state = learn(this.state, this.now());
    return this.state;
  }
}

/** The state and Redis's clock (TIME), so replicas on machines with skewed clocks still agree on elapsed time. */
const READ_SCRIPT = `
local time = redis.call('TIME')
return { redis.call('GET', KEYS[1]) or '', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) }
`;

/** Writes the new state only if nobody wrote since it was read. */
const COMPARE_AND_SET_SCRIPT = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return 1
`;

/** A learned limit nobody used for a day is forgotten: the backend may have changed since. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
const MAX_ATTEMPTS = 5;

/**
 * Shared by every replica: read, learn, compare-and-set. Replicas report a few times a second, so
 * a conflicting write is rare and simply retried with what the other replica wrote.
 */
export class RedisLearnedLimitStore implements LearnedLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async update(learn: (state: LearnedLimitState | undefined, nowMs: number) => LearnedLimitState): Promise<LearnedLimitState> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const [stored, nowMs] = (await this.redis.eval(READ_SCRIPT, 1, this.key)) as [string, number];
      const next = learn(stored ? (JSON.parse(stored) as LearnedLimitState) : undefined, Number(nowMs));
      if (Number(await this.redis.eval(COMPARE_AND_SET_SCRIPT, 1, this.key, stored, JSON.stringify(next), FORGET_AFTER_MS)) === 1) return next;
    }
    throw new Error(`learned limit ${this.key}: ${MAX_ATTEMPTS} conflicting writes in a row`);
  }
}
