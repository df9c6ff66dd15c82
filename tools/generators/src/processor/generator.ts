import { generateFiles, OverwriteStrategy, Tree } from '@nx/devkit';
import { join } from 'node:path';
import { ORDER_TYPE_DEFINITIONS } from '@bss/contracts';
import { DeployedOrderType } from '../deploy-render/deploy-settings';
import { renderDeploy } from '../deploy-render/render-deploy';
import { ORDER_TYPES_DIR, registerOrderType } from './order-type-registry';

export interface ProcessorGeneratorOptions {
  /** The order type, letters only, in any case: `simswap`. */
  readonly type: string;
  /** Backend calls per second for the type, all replicas together. */
  readonly rate?: number;
  /** Orders processed at once per replica. */
  readonly concurrency?: number;
  readonly maxReplicas?: number;
}

const DEFAULTS = { rate: 100, concurrency: 10, maxReplicas: 3, maxConcurrency: 20, queueLengthTarget: 200, activationQueueLength: 10 };

/** Ports of the apps that are not processors (producer-api, ops console, backend simulator). */
const OTHER_APPS_PORTS = new Set([8000, 8085, 8090]);

interface TypeNames {
  readonly TYPE: string;
  readonly lower: string;
  readonly Pascal: string;
  readonly app: string;
}

function namesOf(type: string): TypeNames {
  if (!/^[A-Za-z]+$/.test(type)) throw new Error(`order type must be letters only, got "${type}"`);
  const lower = type.toLowerCase();
  return { TYPE: type.toUpperCase(), lower, Pascal: lower[0].toUpperCase() + lower.slice(1), app: `${lower}-processor` };
}

function nextProcessorPort(): number {
  let port = Math.max(8080, ...ORDER_TYPE_DEFINITIONS.map((definition) => definition.processor.port)) + 1;
  while (OTHER_APPS_PORTS.has(port)) port += 1;
  return port;
}

/**
 * `nx g @bss/tools:processor <type>`: a new order type is one definition module (payload rules,
 * example, backend resource, processor settings) registered in the contracts, one thin app
 * around its handler, and a deploy render that derives the rest. Files a team owns (the
 * definition, the handler, their tests) are written once and never overwritten; running it again
 * changes nothing.
 */
export default async function processorGenerator(tree: Tree, options: ProcessorGeneratorOptions): Promise<void> {
  const names = namesOf(options.type);
  const known = ORDER_TYPE_DEFINITIONS.find((definition) => definition.type === names.TYPE);
  const settings = {
    port: known?.processor.port ?? nextProcessorPort(),
    rate: options.rate ?? DEFAULTS.rate,
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    maxReplicas: options.maxReplicas ?? DEFAULTS.maxReplicas,
    maxConcurrency: DEFAULTS.maxConcurrency,
    queueLengthTarget: DEFAULTS.queueLengthTarget,
    activationQueueLength: DEFAULTS.activationQueueLength,
  };
  const substitutions = { ...names, ...settings };
  const keep = { overwriteStrategy: OverwriteStrategy.KeepExisting };
  if (!known) {
    generateFiles(tree, join(__dirname, 'files/contract'), ORDER_TYPES_DIR, substitutions, keep);
    registerOrderType(tree, `${names.TYPE}_ORDER_TYPE`, `${names.lower}.order-type`);
  }
  generateFiles(tree, join(__dirname, 'files/app'), `apps/${names.app}`, substitutions, keep);
  renderDeploy(tree, known ? ORDER_TYPE_DEFINITIONS : [...ORDER_TYPE_DEFINITIONS, generatedDefinition(names, settings)]);
}

/** The deployment's view of the definition just written from the template, which is not compiled yet. */
function generatedDefinition(names: TypeNames, settings: typeof DEFAULTS & { port: number }): DeployedOrderType {
  return {
    type: names.TYPE,
    summary: `${names.lower} orders`,
    backendResource: `${names.lower}-orders`,
    processor: {
      port: settings.port,
      concurrency: settings.concurrency,
      backendRateLimit: settings.rate,
      backendMaxConcurrency: settings.maxConcurrency,
      autoscaling: { maxReplicas: settings.maxReplicas, queueLengthTarget: settings.queueLengthTarget, activationQueueLength: settings.activationQueueLength },
    },
  };
}
