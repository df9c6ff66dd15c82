import { OverloadBackoff } from './overload-backoff';
import { StaticRate } from './rate-control';
import { BackendBudget, BackendBusyError } from './backend-budget';
import { LocalConcurrencyLimiter } from './concurrency-limiter';
import { LocalRateLimiter, reserveToken } from './rate-limiter';

/** Grants per whole second, from a list of grant instants in ms. */
function perSecond(instants: number[]): number[] {
  const counts = new Map<number, number>();
  for (const instant of instants) counts.set(Math.floor(instant / 1000), (counts.get(Math.floor(instant / 1000)) ?? 0) + 1);
  return [...counts.values()];
}

describe('reserveToken', () => {
  it('holds the rate however many callers ask at once, serving them in order', () => {
    let state;
    const slots: number[] = [];
    for (let caller = 0; caller < 500; caller += 1) {
      const result = reserveToken(state, 0, 100, 1, 60_000);
      state = result.state;
      expect(result.grant.granted).toBe(true);
      slots.push(result.grant.waitMs);
    }
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
    expect(Math.max(...perSecond(slots))).toBeLessThanOrEqual(100);
    expect(slots.at(-1)).toBeCloseTo(4990, -1);
  });

  it('lets no burst over the budget through after a quiet spell', () => {
    let state = reserveToken(undefined, 0, 50, 1, 0).state;
    const grants: number[] = [];
    for (let caller = 0; caller < 200; caller += 1) {
      const result = reserveToken(state, 10_000, 50, 1, 60_000);
      state = result.state;
      grants.push(10_000 + result.grant.waitMs);
    }
    expect(Math.max(...perSecond(grants))).toBeLessThanOrEqual(50);
  });

  it('refuses without reserving when the slot lies beyond the allowed wait', () => {
    const first = reserveToken(undefined, 0, 10, 1, 0);
    const refused = reserveToken(first.state, 0, 10, 1, 50);
    expect(refused.grant).toEqual({ granted: false, waitMs: 100 });
    const later = reserveToken(refused.state, 0, 10, 1, 1000);
    expect(later.grant).toEqual({ granted: true, waitMs: 100 });
  });

  it('is fair across replicas sharing one bucket: interleaved callers share the rate evenly', () => {
    let state;
    const byReplica = new Map<string, number>([['a', 0], ['b', 0]]);
    for (let turn = 0; turn < 400; turn += 1) {
      const replica = turn % 2 ? 'a' : 'b';
      const result = reserveToken(state, 0, 40, 1, 5_000);
      state = result.state;
      if (result.grant.granted) byReplica.set(replica, (byReplica.get(replica) ?? 0) + 1);
    }
    const [a, b] = [byReplica.get('a') ?? 0, byReplica.get('b') ?? 0];
    expect(a + b).toBe(201);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
  });
});

describe('OverloadBackoff', () => {
  it('halves on overload at most once a second and recovers additively', () => {
    let now = 0;
    const rate = new OverloadBackoff({ minFactor: 0.1, recoveryPerSecond: 0.1 }, () => now);
    rate.onOverload();
    rate.onOverload();
    expect(rate.current()).toBe(0.5);
    now = 1000;
    rate.onOverload();
    expect(rate.current()).toBeCloseTo(0.3);
    for (let step = 0; step < 3; step += 1) rate.onOverload();
    now = 2000;
    expect(rate.current()).toBeCloseTo(0.4);
    now = 20_000;
    expect(rate.current()).toBe(1);
  });

  it('never goes below its floor', () => {
    let now = 0;
    const rate = new OverloadBackoff({ minFactor: 0.2, recoveryPerSecond: 0 }, () => now);
    for (let second = 0; second < 10; second += 1) {
      now = second * 1000;
      rate.onOverload();
    }
    expect(rate.current()).toBe(0.2);
  });
});

describe('BackendBudget', () => {
  it('caps calls in flight and gives the slot back on release', async () => {
    const budget = new BackendBudget({
      control: new StaticRate(0, new OverloadBackoff({ minFactor: 0.1, recoveryPerSecond: 0.1 })),
      concurrency: new LocalConcurrencyLimiter(2),
    });
    const first = await budget.acquire(Date.now() + 1000);
    await budget.acquire(Date.now() + 1000);
    await expect(budget.acquire(Date.now() + 30)).rejects.toBeInstanceOf(BackendBusyError);
    await first();
    await expect(budget.acquire(Date.now() + 100)).resolves.toEqual(expect.any(Function));
  });

  it('refuses at once, without waiting, when the rate slot lies past the deadline', async () => {
    const budget = new BackendBudget({
      rate: new LocalRateLimiter(1),
      control: new StaticRate(1, new OverloadBackoff({ minFactor: 0.1, recoveryPerSecond: 0.1 })),
    });
    await budget.acquire(Date.now() + 10);
    const started = Date.now();
    await expect(budget.acquire(Date.now() + 200)).rejects.toMatchObject({ waitMs: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('slows this replica down after an overload signal', async () => {
    const budget = new BackendBudget({
      rate: new LocalRateLimiter(1000),
      control: new StaticRate(1000, new OverloadBackoff({ minFactor: 0.01, recoveryPerSecond: 0 })),
    });
    budget.overloaded();
    const started = Date.now();
    for (let call = 0; call < 30; call += 1) await budget.acquire(Date.now() + 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
