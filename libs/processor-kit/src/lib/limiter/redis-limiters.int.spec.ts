import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisConcurrencyLimiter } from './concurrency-limiter';
import { initialLearnedLimit, learnLimit, LearningLaw } from './learned-limit';
import { RedisLearnedLimitStore } from './learned-limit-store';
import { RedisRateLimiter } from './redis-rate-limiter';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('limiters shared through the real Redis', () => {
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
  });

  it('two replicas drawing from one bucket together stay within one budget', async () => {
    const key = `test:limiter:${randomUUID()}`;
    const replicas = [new RedisRateLimiter(connect(), key, 50), new RedisRateLimiter(connect(), key, 50)];
    const started = Date.now();
    const grants = await Promise.all(
      Array.from({ length: 200 }, (_, index) => replicas[index % 2].reserve(10_000).then((grant) => ({ replica: index % 2, at: Date.now() - started + grant.waitMs, grant }))),
    );
    expect(grants.every(({ grant }) => grant.granted)).toBe(true);
    const instants = grants.map(({ at }) => at).sort((a, b) => a - b);
    const perSecond = new Map<number, number>();
    for (const at of instants) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(52);
    expect(instants.at(-1)).toBeGreaterThanOrEqual(3900);
    expect(grants.filter(({ replica }) => replica === 0)).toHaveLength(100);
  });

  it('with the learned limit in Redis, replicas whose own copy of it is stale still go at the one shared rate', async () => {
    const key = `test:limiter:${randomUUID()}`;
    const learnedKey = `${key}:learned`;
    const redis = connect();
    await redis.set(learnedKey, JSON.stringify({ limit: 50 }));
    const replicas = [new RedisRateLimiter(redis, key, 5, { rateKey: learnedKey }), new RedisRateLimiter(connect(), key, 500, { rateKey: learnedKey })];
    const grants = await Promise.all(Array.from({ length: 100 }, (_, index) => replicas[index % 2].reserve(10_000)));
    const lastSlotMs = Math.max(...grants.map((grant) => grant.waitMs));
    expect(lastSlotMs).toBeGreaterThanOrEqual(1900);
    expect(lastSlotMs).toBeLessThanOrEqual(2100);
  });

  it('refuses a reservation beyond the allowed wait without taking the slot', async () => {
    const limiter = new RedisRateLimiter(connect(), `test:limiter:${randomUUID()}`, 10);
    expect(await limiter.reserve(0)).toEqual({ granted: true, waitMs: 0 });
    const refused = await limiter.reserve(20);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(20);
    expect((await limiter.reserve(1000)).granted).toBe(true);
  });

  it('caps calls in flight across replicas, and an expired lease frees its slot', async () => {
    const key = `test:inflight:${randomUUID()}`;
    const [a, b] = [new RedisConcurrencyLimiter(connect(), key, 2, 300), new RedisConcurrencyLimiter(connect(), key, 2, 300)];
    const first = await a.tryEnter();
    const second = await b.tryEnter();
    expect(first && second).toBeTruthy();
    expect(await a.tryEnter()).toBeUndefined();
    await second?.();
    const third = await b.tryEnter();
    expect(third).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await a.tryEnter()).toBeDefined();
  });

  it('replicas learning at once through one Redis key lose no report: each lands on what the others wrote', async () => {
    const key = `test:learned:${randomUUID()}`;
    const law: LearningLaw = { initialRate: 10, minRate: 1, maxRate: 1000, latencyTolerance: 4, latencySlackMs: 25, gainPerSecond: 0.25, overloadCut: 0.5, cutIntervalMs: 0, baselinePeriodMs: 150_000 };
    const stores = [new RedisLearnedLimitStore(connect(), key), new RedisLearnedLimitStore(connect(), key), new RedisLearnedLimitStore(connect(), key)];
    await Promise.all(stores.map((store) => store.update((state, nowMs) => learnLimit(state, { overloads: 1, calls: 1, pressed: false }, nowMs, law))));
    const final = await stores[0].update((state, nowMs) => state ?? initialLearnedLimit(nowMs, law));
    expect(final.limit).toBeCloseTo(10 * 0.5 ** 3, 5);
  });
});
