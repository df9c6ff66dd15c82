import type { Tree } from '@nx/devkit';
import { parseDocument } from 'yaml';
import { processorNameOf } from '@bss/contracts';
import { deliveryLimitPolicies, PolicySpec, topologyPlan } from '@bss/messaging';
import { BrokerGrant, brokerGrants } from './broker-permissions';
import { BSS_CONFIG_PATH, DEPLOYED_RABBITMQ_VERSION, DeployedOrderType, DeploySettings, queueOf, readDeploySettings } from './deploy-settings';
import { metricsUrlOf, processorCpuAutoscaler, processorScaledObject, processorWorkload } from './processor-manifests';
import { header, renderedYaml, withRenderedBlock } from './rendered-text';
import { topologyResources } from './topology-resources';

/** The files `deploy:render` writes whole, and the hand-written files whose marked blocks it fills. */
export const RENDERED_FILES = {
  processors: 'deploy/base/processors.yaml',
  scaledObjects: 'deploy/components/keda/scaled-objects.yaml',
  cpuAutoscalers: 'deploy/components/hpa-cpu/autoscalers.yaml',
  productionTopology: 'deploy/overlays/production/topology.yaml',
  minikubeGrants: 'deploy/overlays/minikube/rabbitmq/grants.sh',
  minikubePolicies: 'deploy/overlays/minikube/rabbitmq/policies.sh',
} as const;

export const RENDERED_BLOCKS = {
  secretsExample: 'deploy/base/secrets.env.example',
  readme: 'README.md',
} as const;

const SECRETS_MARKERS = { start: '# >>> processor users (rendered)', end: '# <<< processor users' };
const README_MARKERS = { start: '<!-- order types (rendered) -->', end: '<!-- end of order types -->' };

/**
 * Renders every part of deploy/ that follows from the order types and bss-config: the processors'
 * workloads and autoscalers, the production topology with its users and permissions, the minikube
 * users, the Secret's example, the ops console's metrics targets and the README's table.
 */
export function renderDeploy(tree: Tree, definitions: readonly DeployedOrderType[]): void {
  const settings = readDeploySettings(tree, definitions);
  const grants = brokerGrants(settings, definitions);
  const policies = deliveryLimitPolicies(settings.topology.names, DEPLOYED_RABBITMQ_VERSION);
  tree.write(RENDERED_FILES.processors, renderedYaml("The processors' workloads.", definitions.flatMap((definition) => processorWorkload(definition, settings))));
  tree.write(
    RENDERED_FILES.scaledObjects,
    renderedYaml('Queue-depth autoscaling of each processor (KEDA).', definitions.map((definition) => processorScaledObject(definition, settings))),
  );
  tree.write(RENDERED_FILES.cpuAutoscalers, renderedYaml('CPU autoscaling of each processor.', definitions.map(processorCpuAutoscaler)));
  tree.write(
    RENDERED_FILES.productionTopology,
    renderedYaml(
      'Exchanges, queues, bindings, policies, users and permissions as Messaging Topology Operator resources: the plan the apps declare locally.',
      topologyResources(topologyPlan(settings.topology), policies, grants),
    ),
  );
  tree.write(RENDERED_FILES.minikubeGrants, minikubeGrants(grants));
  tree.write(RENDERED_FILES.minikubePolicies, minikubePolicies(policies));
  updateFile(tree, RENDERED_BLOCKS.secretsExample, (text) => withRenderedBlock(RENDERED_BLOCKS.secretsExample, text, SECRETS_MARKERS, processorUrls(grants, definitions)));
  updateFile(tree, RENDERED_BLOCKS.readme, (text) => withRenderedBlock(RENDERED_BLOCKS.readme, text, README_MARKERS, orderTypeTable(definitions, settings)));
  updateFile(tree, BSS_CONFIG_PATH, (text) => withMetricsUrls(text, definitions));
}

function updateFile(tree: Tree, path: string, change: (text: string) => string): void {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new Error(`${path} is missing`);
  const changed = change(text);
  if (changed !== text) tree.write(path, changed);
}

/** Sourced by setup-users.sh, which defines `grant`; each line reads the user's URL from the Secret. */
function minikubeGrants(grants: readonly BrokerGrant[]): string {
  const quoted = (value: string) => `'${value.replaceAll('\\', '\\\\')}'`;
  const lines = grants.map((grant) => `grant "$${grant.urlSecretKey}" "${grant.tags.join(',')}" ${[grant.configure, grant.write, grant.read].map(quoted).join(' ')}`);
  return `# shellcheck shell=sh\n${header('#', 'One RabbitMQ user per app with only the rights it needs (JSON-escaped regexes).')}${lines.join('\n')}\n`;
}

/** Sourced by setup-users.sh, which defines `policy`: the queues' delivery-limit policies for the deployed RabbitMQ. */
function minikubePolicies(policies: readonly PolicySpec[]): string {
  const lines = policies.map(({ name, ...body }) => `policy '${name}' '${JSON.stringify(body)}'`);
  return `# shellcheck shell=sh\n${header('#', `The queues' delivery-limit policies for RabbitMQ ${DEPLOYED_RABBITMQ_VERSION} (deliveryLimitPolicies in libs/messaging).`)}${lines.join('\n')}\n`;
}

function processorUrls(grants: readonly BrokerGrant[], definitions: readonly DeployedOrderType[]): string {
  const processors = new Set(definitions.map((definition) => processorNameOf(definition)));
  return grants
    .filter((grant) => processors.has(grant.user))
    .map((grant) => `${grant.urlSecretKey}=amqp://${grant.user}:CHANGE_ME@rabbitmq:5672\n`)
    .join('');
}

function orderTypeTable(definitions: readonly DeployedOrderType[], settings: DeploySettings): string {
  const rows = definitions.map((definition) => {
    const { processor } = definition;
    return `| \`${definition.type}\` | ${definition.summary} | \`${processorNameOf(definition)}\` :${processor.port} | \`${queueOf(settings, definition)}\` | \`/${definition.backendResource}\` | ${processor.backendRateLimit}/s, ${processor.backendMaxConcurrency} in flight | ${processor.autoscaling.maxReplicas} |`;
  });
  return ['| type | meaning | processor :port | queue | backend resource | default budget | max replicas |', '|---|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

/** The ops console reads every processor's metrics; its list follows the types. */
function withMetricsUrls(text: string, definitions: readonly DeployedOrderType[]): string {
  const document = parseDocument(text);
  document.setIn(['data', 'PROCESSOR_METRICS_URLS'], definitions.map(metricsUrlOf).join(','));
  return document.toString({ lineWidth: 0 });
}
