import { backendSimulatorSchema, commonSchema, ConfigOf, httpSchema } from '@bss/config';

export const DEFAULT_BACKEND_PORT = 8090;

export const simulatorConfigSchema = { ...commonSchema, ...httpSchema(DEFAULT_BACKEND_PORT), ...backendSimulatorSchema };

export type SimulatorConfig = ConfigOf<typeof simulatorConfigSchema>;

export const SIMULATOR_CONFIG = Symbol('SIMULATOR_CONFIG');
export const SIMULATOR_LOGGER = Symbol('SIMULATOR_LOGGER');
