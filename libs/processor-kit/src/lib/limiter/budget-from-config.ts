import { OrderType } from '@bss/contracts';
import type { Redis } from 'ioredis';
import { AdaptiveLimit } from './adaptive-limit';
import { BackendBudget } from './backend-budget';
import { LocalConcurrencyLimiter, RedisConcurrencyLimiter } from './concurrency-limiter';
import { LearningLaw } from './learned-limit';
import { LocalLearnedLimitStore, RedisLearnedLimitStore } from './learned-limit-store';
import { OverloadBackoff } from './overload-backoff';
import { RateControl, StaticRate } from './rate-control';
import { LocalRateLimiter } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';

export interface BudgetSettings {
  readonly BACKEND_BUDGET: 'adaptive' | 'static';
  readonly BACKEND_RATE_LIMIT: number;
  readonly BACKEND_MAX_CONCURRENCY: number;
  readonly BACKEND_LATENCY_TOLERANCE: number;
  readonly BACKEND_INITIAL_RATE: number;
  readonly PROCESSING_TIMEOUT_SEC: number;
  readonly QUEUE_NAME: string;
}

export interface BudgetObservers {
  /** Every change of the rate the budget allows (the learned limit, or the configured rate). */
  readonly onRate?: (callsPerSecond: number) => void;
  readonly onStoreError?: (error: Error) => void;
}

/** Below this share of the static budget a replica never goes, so it keeps probing a recovering backend. */
const STATIC_BACKOFF = { minFactor: 0.1, recoveryPerSecond: 0.1 };

/** The adaptive budget's fixed parts; the README's "The backend budget" explains each. */
const ADAPTIVE_LAW = { minRate: 1, latencySlackMs: 25, gainPerSecond: 0.25, overloadCut: 0.5, cutIntervalMs: 1000, baselinePeriodMs: 150_000 };
const REPORT_WINDOW_MS = 500;

/**
 * The budget of one order type: shared by every replica through Redis when one is given (keys
 * under the topology prefix, so separate installations never share), otherwise this replica's own.
 */
export function createBackendBudget(settings: BudgetSettings, type: OrderType, redis?: Redis, observers: BudgetObservers = {}): BackendBudget {
  // The hash tag keeps a type's keys in one Redis Cluster slot, as the rate script reads two of them.
  const key = `bss:budget:{${settings.QUEUE_NAME}:${type.toLowerCase()}}`;
  const leaseMs = settings.PROCESSING_TIMEOUT_SEC * 1000;
  const learnedKey = `${key}:learned`;
  const control = rateControlOf(settings, learnedKey, redis, observers);
  const startingRate = control.sharedRate() ?? 0;
  const rateKey = settings.BACKEND_BUDGET === 'adaptive' ? learnedKey : undefined;
  const rate = startingRate === 0 ? undefined : redis ? new RedisRateLimiter(redis, `${key}:rate`, startingRate, { rateKey }) : new LocalRateLimiter(startingRate);
  const concurrency =
    settings.BACKEND_MAX_CONCURRENCY === 0
      ? undefined
      : redis
        ? new RedisConcurrencyLimiter(redis, `${key}:in-flight`, settings.BACKEND_MAX_CONCURRENCY, leaseMs)
        : new LocalConcurrencyLimiter(settings.BACKEND_MAX_CONCURRENCY);
  return new BackendBudget({ rate, control, concurrency });
}

function rateControlOf(settings: BudgetSettings, learnedKey: string, redis: Redis | undefined, observers: BudgetObservers): RateControl {
  if (settings.BACKEND_BUDGET === 'static') {
    observers.onRate?.(settings.BACKEND_RATE_LIMIT);
    return new StaticRate(settings.BACKEND_RATE_LIMIT, new OverloadBackoff(STATIC_BACKOFF));
  }
  const law: LearningLaw = {
    ...ADAPTIVE_LAW,
    initialRate: settings.BACKEND_INITIAL_RATE,
    maxRate: settings.BACKEND_RATE_LIMIT === 0 ? Number.POSITIVE_INFINITY : settings.BACKEND_RATE_LIMIT,
    latencyTolerance: settings.BACKEND_LATENCY_TOLERANCE,
  };
  const store = redis ? new RedisLearnedLimitStore(redis, learnedKey) : new LocalLearnedLimitStore();
  return new AdaptiveLimit(store, { law, windowMs: REPORT_WINDOW_MS, onLearned: observers.onRate, onStoreError: observers.onStoreError });
}
