import type { Tree } from '@nx/devkit';
import { parseDocument } from 'yaml';
import { loadConfig, processorAppSchema } from '@bss/config';
import { OrderType, OrderTypeDefinition } from '@bss/contracts';
import { TopologyOptions, topologyFromSettings } from '@bss/messaging';

/** What the deployment needs of an order type (a type the generator is adding has no payload class loaded yet). */
export type DeployedOrderType = Pick<OrderTypeDefinition, 'type' | 'summary' | 'backendResource' | 'processor'>;

export const BSS_CONFIG_PATH = 'deploy/base/config.yaml';

/**
 * The RabbitMQ series both overlays deploy (their images' tags): one the broker matrix tests
 * (tools/rabbitmq-cluster), and the version the rendered policies are written for.
 */
export const DEPLOYED_RABBITMQ_VERSION = '4.3';

/** What every deployment shares: bss-config's data, and the topology the apps derive from it. */
export interface DeploySettings {
  readonly config: Readonly<Record<string, string>>;
  readonly topology: TopologyOptions;
}

/**
 * Reads bss-config and parses it with the processors' own configuration schema, so the deployment
 * is rendered from exactly the values the apps will read (a bad value fails the render, naming it).
 */
export function readDeploySettings(tree: Tree, definitions: readonly DeployedOrderType[]): DeploySettings {
  const text = tree.read(BSS_CONFIG_PATH, 'utf-8');
  if (text === null) throw new Error(`${BSS_CONFIG_PATH} is missing`);
  const config = (parseDocument(text).toJS() as { data: Record<string, string> }).data;
  const [first] = definitions;
  if (!first) throw new Error('there is no order type definition to render');
  const settings = loadConfig(processorAppSchema({ ...first.processor }), config);
  return {
    config,
    topology: {
      ...topologyFromSettings(settings, { retrySteps: settings.RETRY_BACKOFF_MS.length, deferrals: true }),
      declare: true,
      types: definitions.map(orderTypeOf),
    },
  };
}

/** A type the generator has just written is not in the compiled `OrderType` union yet; its names are derived alike. */
function orderTypeOf(definition: DeployedOrderType): OrderType {
  return definition.type as OrderType;
}

export function queueOf(settings: DeploySettings, definition: DeployedOrderType): string {
  return settings.topology.names.queueFor(orderTypeOf(definition));
}
