import { backendSimulatorAppSchema, ConfigOf } from '@bss/config';
import { ORDER_TYPES, OrderType, parseOrderType } from '@bss/contracts';
import { TypeCapacity } from './overload-model';

export const simulatorConfigSchema = backendSimulatorAppSchema;

export type SimulatorConfig = ConfigOf<typeof simulatorConfigSchema>;

export const SIMULATOR_LOGGER = Symbol('SIMULATOR_LOGGER');

/** Capacity of each order type: SIM_CAPACITY_RPS, unless SIM_CAPACITY_RPS_BY_TYPE names the type. */
export function capacitiesOf(config: SimulatorConfig): Record<OrderType, TypeCapacity> {
  const overrides = new Map(
    config.SIM_CAPACITY_RPS_BY_TYPE.map((item) => {
      const [type, rate] = item.split('=');
      const orderType = parseOrderType(type);
      if (!orderType) throw new Error(`SIM_CAPACITY_RPS_BY_TYPE names an unknown order type: ${type}`);
      return [orderType, Number(rate)] as const;
    }),
  );
  return Object.fromEntries(
    ORDER_TYPES.map((type) => [type, { ratePerSecond: overrides.get(type) ?? config.SIM_CAPACITY_RPS, maxInFlight: config.SIM_MAX_IN_FLIGHT }]),
  ) as Record<OrderType, TypeCapacity>;
}
