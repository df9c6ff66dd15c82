import { brokerSchema, commonSchema, ConfigOf, httpSchema, processorSchema } from '@bss/config';

export function processorConfigSchema(defaultPort: number) {
  return { ...commonSchema, ...brokerSchema, ...httpSchema(defaultPort), ...processorSchema };
}

export type ProcessorConfig = ConfigOf<ReturnType<typeof processorConfigSchema>>;

/** Prefetch is the concurrency, never above BATCH_SIZE (the seed's cap on messages taken at once). */
export function prefetchOf(config: ProcessorConfig): number {
  return Math.min(config.CONCURRENCY, config.BATCH_SIZE);
}
