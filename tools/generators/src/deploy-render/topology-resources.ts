import { PolicySpec, TopologyPlan } from '@bss/messaging';
import { BrokerGrant } from './broker-permissions';

type Manifest = Record<string, unknown>;

const CLUSTER = { rabbitmqClusterReference: { name: 'bss-rabbitmq' } };
const VHOST = '/';

/** A broker name as a Kubernetes object name: `bss.orders.retry.1` → `bss-orders-retry-1`. */
function objectName(brokerName: string): string {
  return brokerName.replace(/[^a-z0-9-]/gi, '-').toLowerCase();
}

/**
 * The topology plan and the grants as Messaging Topology Operator resources: in production the
 * operator declares what the apps declare for themselves locally, from the same plan.
 */
export function topologyResources(plan: TopologyPlan, policies: readonly PolicySpec[], grants: readonly BrokerGrant[]): Manifest[] {
  const resource = (kind: string, name: string, spec: Record<string, unknown>): Manifest => ({
    apiVersion: 'rabbitmq.com/v1beta1',
    kind,
    metadata: { name },
    spec: { ...spec, ...CLUSTER },
  });
  return [
    ...plan.exchanges.map((exchange) =>
      resource('Exchange', objectName(exchange.name), { name: exchange.name, vhost: VHOST, type: exchange.type, durable: true, autoDelete: false }),
    ),
    ...plan.queues.map((queue) => {
      const { 'x-queue-type': type, ...queueArguments } = queue.arguments;
      return resource('Queue', objectName(queue.name), {
        name: queue.name,
        vhost: VHOST,
        type,
        durable: true,
        autoDelete: false,
        ...(Object.keys(queueArguments).length > 0 ? { arguments: queueArguments } : {}),
      });
    }),
    ...plan.bindings.map((binding) =>
      resource('Binding', `${objectName(binding.queue)}-from-${objectName(binding.exchange)}`, {
        vhost: VHOST,
        source: binding.exchange,
        destination: binding.queue,
        destinationType: 'queue',
        routingKey: binding.routingKey,
      }),
    ),
    ...policies.map((policy) =>
      resource('Policy', objectName(policy.name), {
        name: policy.name,
        vhost: VHOST,
        pattern: policy.pattern,
        applyTo: policy['apply-to'],
        priority: policy.priority,
        definition: policy.definition,
      }),
    ),
    ...grants.flatMap((grant) => [
      resource('User', grant.user, { tags: [...grant.tags], importCredentialsSecret: { name: grant.credentialsSecret } }),
      resource('Permission', `${grant.user}-permissions`, {
        vhost: VHOST,
        userReference: { name: grant.user },
        permissions: { configure: grant.configure, write: grant.write, read: grant.read },
      }),
    ]),
  ];
}
