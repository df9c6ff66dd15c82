import { ConfigOf, processorAppSchema } from '@bss/config';
import { RetrySchedule } from './retry-policy';

export const processorConfigSchema = processorAppSchema;

export type ProcessorConfig = ConfigOf<ReturnType<typeof processorConfigSchema>>;

/** Prefetch is the concurrency, never above BATCH_SIZE (the seed's cap on messages taken at once). */
export function prefetchOf(config: ProcessorConfig): number {
  return Math.min(config.CONCURRENCY, config.BATCH_SIZE);
}

export function retryScheduleOf(config: ProcessorConfig): RetrySchedule {
  return { maxRetries: config.MAX_RETRIES, backoffMs: config.RETRY_BACKOFF_MS, jitterPercent: config.RETRY_JITTER_PERCENT };
}
