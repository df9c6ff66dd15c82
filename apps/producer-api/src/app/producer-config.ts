import { ConfigOf, producerApiSchema } from '@bss/config';

export const producerConfigSchema = producerApiSchema;

export type ProducerConfig = ConfigOf<typeof producerConfigSchema>;

export const PRODUCER_CONFIG = Symbol('PRODUCER_CONFIG');
export const PRODUCER_LOGGER = Symbol('PRODUCER_LOGGER');
