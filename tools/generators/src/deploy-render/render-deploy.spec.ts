import { Document, parseAllDocuments } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { MNP_ORDER_TYPE, ORDER_TYPE_DEFINITIONS, OrderTypeDefinition } from '@bss/contracts';
import { workspaceTree, WORKSPACE_ROOT } from '../testing/workspace-tree';
import { RENDERED_BLOCKS, RENDERED_FILES, renderDeploy } from './render-deploy';

const RENDER_INPUTS = ['deploy', 'README.md'];

/** Parsed YAML is untyped; each assertion states the shape it expects. */
type Manifest = ReturnType<Document['toJS']>;

function objectsIn(tree: Tree, path: string): Manifest[] {
  return parseAllDocuments(tree.read(path, 'utf-8') ?? '').map((document) => document.toJS());
}

function named(objects: Manifest[], kind: string, name: string): Manifest | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

function withConfig(tree: Tree, key: string, value: string): void {
  const path = 'deploy/base/config.yaml';
  const text = tree.read(path, 'utf-8') ?? '';
  tree.write(path, text.replace(new RegExp(`(\\n  ${key}: ).*\\n`), `$1"${value}"\n`));
}

const SIMSWAP: OrderTypeDefinition = {
  ...MNP_ORDER_TYPE,
  type: 'SIMSWAP',
  summary: 'SIM swap',
  backendResource: 'sim-swaps',
  processor: { ...MNP_ORDER_TYPE.processor, port: 8086, backendRateLimit: 40, autoscaling: { maxReplicas: 4, queueLengthTarget: 50, activationQueueLength: 5 } },
};

describe('deploy:render', () => {
  it('renders exactly what is committed: nothing in deploy/ or the README is stale (run `npx nx run deploy:render`)', () => {
    const tree = workspaceTree(RENDER_INPUTS);
    renderDeploy(tree, ORDER_TYPE_DEFINITIONS);
    for (const path of [...Object.values(RENDERED_FILES), ...Object.values(RENDERED_BLOCKS), 'deploy/base/config.yaml']) {
      expect({ path, content: tree.read(path, 'utf-8') }).toEqual({ path, content: readFileSync(join(WORKSPACE_ROOT, path), 'utf8') });
    }
  });

  it('gives production one retry queue, exchange, binding and grant per step of RETRY_BACKOFF_MS', () => {
    const tree = workspaceTree(RENDER_INPUTS);
    withConfig(tree, 'RETRY_BACKOFF_MS', '500,1000,4000,16000');
    renderDeploy(tree, ORDER_TYPE_DEFINITIONS);
    const topology = objectsIn(tree, RENDERED_FILES.productionTopology);
    expect(named(topology, 'Queue', 'bss-orders-retry-4')?.spec).toMatchObject({ name: 'bss.orders.retry.4', type: 'quorum', arguments: { 'x-dead-letter-exchange': 'bss.orders' } });
    expect(named(topology, 'Exchange', 'bss-orders-retry-4')?.spec).toMatchObject({ type: 'fanout' });
    expect(named(topology, 'Binding', 'bss-orders-retry-4-from-bss-orders-retry-4')).toBeDefined();
    expect(named(topology, 'Queue', 'bss-orders-retry-5')).toBeUndefined();
    const write = named(topology, 'Permission', 'mnp-processor-permissions')?.spec.permissions.write as string;
    expect(new RegExp(write).test('bss.orders.retry.4')).toBe(true);
    expect(new RegExp(write).test('bss.orders.retry.5')).toBe(false);
    expect(new RegExp(write).test('bss.orders')).toBe(false);
    expect(tree.read(RENDERED_FILES.minikubeGrants, 'utf-8')).toContain('bss\\\\.orders\\\\.retry\\\\.4');
  });

  it('applies queue bounds from bss-config to every order queue', () => {
    const tree = workspaceTree(RENDER_INPUTS);
    withConfig(tree, 'QUEUE_MAX_LENGTH', '250000');
    withConfig(tree, 'QUEUE_DELIVERY_LIMIT', '7');
    renderDeploy(tree, ORDER_TYPE_DEFINITIONS);
    const topology = objectsIn(tree, RENDERED_FILES.productionTopology);
    for (const definition of ORDER_TYPE_DEFINITIONS) {
      const queue = named(topology, 'Queue', `bss-orders-${definition.type.toLowerCase()}`);
      expect(queue?.spec.arguments).toMatchObject({ 'x-max-length': 250000, 'x-delivery-limit': 7, 'x-overflow': 'reject-publish' });
    }
  });

  it('refuses a bss-config the apps would refuse, naming the setting', () => {
    const tree = workspaceTree(RENDER_INPUTS);
    withConfig(tree, 'RETRY_BACKOFF_MS', '1s,2s');
    expect(() => renderDeploy(tree, ORDER_TYPE_DEFINITIONS)).toThrow(/RETRY_BACKOFF_MS/);
  });

  it('deploys a new type everywhere: workload, autoscalers, queue, user, secret, metrics target, README row', () => {
    const tree = workspaceTree(RENDER_INPUTS);
    renderDeploy(tree, [...ORDER_TYPE_DEFINITIONS, SIMSWAP]);
    const workloads = objectsIn(tree, RENDERED_FILES.processors);
    const deployment = named(workloads, 'Deployment', 'simswap-processor');
    const container = deployment?.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8086 }]);
    const env = Object.fromEntries(container.env.map((variable: Manifest) => [variable.name, variable.value ?? variable.valueFrom]));
    expect(env).toMatchObject({
      PORT: '8086',
      BACKEND_RATE_LIMIT: '40',
      CONCURRENCY: '10',
      RABBITMQ_URL: { secretKeyRef: { name: 'bss-secrets', key: 'SIMSWAP_PROCESSOR_RABBITMQ_URL' } },
      REDIS_URL: { secretKeyRef: { name: 'bss-secrets', key: 'REDIS_URL' } },
      RETRY_BACKOFF_MS: { configMapKeyRef: { name: 'bss-config', key: 'RETRY_BACKOFF_MS' } },
    });
    expect(named(workloads, 'Service', 'simswap-processor-headless')?.spec.ports).toEqual([{ name: 'http', port: 8086, targetPort: 'http' }]);
    expect(named(workloads, 'PodDisruptionBudget', 'simswap-processor')).toBeDefined();
    const scaledObject = named(objectsIn(tree, RENDERED_FILES.scaledObjects), 'ScaledObject', 'simswap-processor');
    expect(scaledObject?.spec.maxReplicaCount).toBe(4);
    expect(scaledObject?.spec.triggers[0].metadata).toMatchObject({ queueName: 'bss.orders.simswap', value: '50', activationValue: '5' });
    expect(named(objectsIn(tree, RENDERED_FILES.cpuAutoscalers), 'HorizontalPodAutoscaler', 'simswap-processor')?.spec.maxReplicas).toBe(4);
    const topology = objectsIn(tree, RENDERED_FILES.productionTopology);
    expect(named(topology, 'Queue', 'bss-orders-simswap')).toBeDefined();
    expect(named(topology, 'Binding', 'bss-orders-simswap-from-bss-orders')?.spec.routingKey).toBe('order.simswap');
    expect(named(topology, 'Permission', 'simswap-processor-permissions')?.spec.permissions.read).toBe('^bss\\.orders\\.simswap$');
    expect(tree.read(RENDERED_FILES.minikubeGrants, 'utf-8')).toContain(`grant "$SIMSWAP_PROCESSOR_RABBITMQ_URL" "" '^$'`);
    expect(tree.read(RENDERED_BLOCKS.secretsExample, 'utf-8')).toContain('SIMSWAP_PROCESSOR_RABBITMQ_URL=amqp://simswap-processor:CHANGE_ME@rabbitmq:5672\n');
    expect(tree.read('deploy/base/config.yaml', 'utf-8')).toMatch(/PROCESSOR_METRICS_URLS: .*,http:\/\/simswap-processor-headless:8086\/metrics\n/);
    expect(tree.read(RENDERED_BLOCKS.readme, 'utf-8')).toContain('| `SIMSWAP` | SIM swap | `simswap-processor` :8086 | `bss.orders.simswap` | `/sim-swaps` | 40/s, 20 in flight | 4 |');
  });

  it('fails on a hand-written file that lost its rendered block', () => {
    const tree = workspaceTree(RENDER_INPUTS);
    tree.write(RENDERED_BLOCKS.readme, '# no markers\n');
    expect(() => renderDeploy(tree, ORDER_TYPE_DEFINITIONS)).toThrow(/README.md lacks the markers/);
  });
});
