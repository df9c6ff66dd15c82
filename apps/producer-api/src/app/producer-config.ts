import { brokerSchema, commonSchema, ConfigOf, httpSchema, producerSchema } from '@bss/config';

export const DEFAULT_PRODUCER_PORT = 8000;

export const producerConfigSchema = {
  ...commonSchema,
  ...brokerSchema,
  ...httpSchema(DEFAULT_PRODUCER_PORT),
  ...producerSchema,
};

export type ProducerConfig = ConfigOf<typeof producerConfigSchema>;

export const PRODUCER_CONFIG = Symbol('PRODUCER_CONFIG');
export const PRODUCER_LOGGER = Symbol('PRODUCER_LOGGER');
