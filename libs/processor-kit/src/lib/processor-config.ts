import { ConfigOf, processorAppSchema } from '@bss/config';
import { ProcessorSettings } from '@bss/contracts';
import { RetrySchedule } from './retry-policy';

/** A processor's settings, each defaulting to what its order type's definition states. */
export function processorConfigSchema(settings: ProcessorSettings) {
  return processorAppSchema(settings);
}

export type ProcessorConfig = ConfigOf<ReturnType<typeof processorConfigSchema>>;

/** Prefetch is the concurrency, never above BATCH_SIZE (the seed's cap on messages taken at once). */
export function prefetchOf(config: ProcessorConfig): number {
  return Math.min(config.CONCURRENCY, config.BATCH_SIZE);
}

export function retryScheduleOf(config: ProcessorConfig): RetrySchedule {
  return { maxRetries: config.MAX_RETRIES, backoffMs: config.RETRY_BACKOFF_MS, jitterPercent: config.RETRY_JITTER_PERCENT };
}
