import { OrderType } from '@bss/contracts';
import type { Redis } from 'ioredis';
import { AdaptiveRate } from './adaptive-rate';
import { BackendBudget } from './backend-budget';
import { LocalConcurrencyLimiter, RedisConcurrencyLimiter } from './concurrency-limiter';
import { LocalRateLimiter } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';

export interface BudgetSettings {
  readonly BACKEND_RATE_LIMIT: number;
  readonly BACKEND_MAX_CONCURRENCY: number;
  readonly PROCESSING_TIMEOUT_SEC: number;
  readonly QUEUE_NAME: string;
}

/** Below this share of the budget a replica never goes, so it keeps probing a recovering backend. */
const ADAPTIVE = { minFactor: 0.1, recoveryPerSecond: 0.1 };

/**
 * The budget of one order type: shared by every replica through Redis when one is given (keys
 * under the topology prefix, so separate installations never share), otherwise this replica's own.
 */
export function createBackendBudget(settings: BudgetSettings, type: OrderType, redis?: Redis): BackendBudget {
  const key = `bss:budget:${settings.QUEUE_NAME}:${type.toLowerCase()}`;
  const leaseMs = settings.PROCESSING_TIMEOUT_SEC * 1000;
  const rate =
    settings.BACKEND_RATE_LIMIT === 0
      ? undefined
      : redis
        ? new RedisRateLimiter(redis, `${key}:rate`, settings.BACKEND_RATE_LIMIT)
        : new LocalRateLimiter(settings.BACKEND_RATE_LIMIT);
  const concurrency =
    settings.BACKEND_MAX_CONCURRENCY === 0
      ? undefined
      : redis
        ? new RedisConcurrencyLimiter(redis, `${key}:in-flight`, settings.BACKEND_MAX_CONCURRENCY, leaseMs)
        : new LocalConcurrencyLimiter(settings.BACKEND_MAX_CONCURRENCY);
  return new BackendBudget({ rate, baseRatePerSecond: settings.BACKEND_RATE_LIMIT, concurrency, adaptive: new AdaptiveRate(ADAPTIVE) });
}
