import { processorNameOf } from '@bss/contracts';
import { topologyPlan } from '@bss/messaging';
import { DeployedOrderType, DeploySettings, queueOf } from './deploy-settings';

/** One RabbitMQ user of the deployment and the least it may do on the vhost. */
export interface BrokerGrant {
  readonly user: string;
  /** The Secret key (minikube) holding the user's AMQP or HTTP URL, credentials included. */
  readonly urlSecretKey: string;
  /** The Secret (production) the Topology Operator imports the user's credentials from. */
  readonly credentialsSecret: string;
  readonly tags: readonly string[];
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

const NOTHING = '^$';

function escapeRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exactly these names: a new retry step or queue widens the grant, nothing else does. */
function exactly(names: readonly string[]): string {
  if (names.length === 0) return NOTHING;
  return names.length === 1 ? `^${escapeRegExp(names[0])}$` : `^(${names.map(escapeRegExp).join('|')})$`;
}

/**
 * Every app's rights, derived from the topology plan: the producer publishes orders and their first
 * lifecycle events, a processor reads its own queue and publishes to the retry, deferral, dead-letter
 * and lifecycle-event exchanges, the ops console reads dead letters and republishes replays, the
 * order tracker reads its event queue, KEDA only reads statistics. Nobody configures anything:
 * a setup job (minikube) or the Topology Operator (production) owns the topology.
 *
 * The producer (GET /api/queue/status, telling a full queue's nack from another) and the ops console
 * (live depths, from which its arrival rates come) also read the order queues' depths with passive
 * declares, which RabbitMQ 4.x answers only to a user with some permission on the queue (3.x to
 * anyone). They get `write` on the order queues: the one that lets them do nothing else, since a
 * queue takes no publishes and binding one also needs `read` on an exchange, which neither has, and
 * no exchange bears an order queue's name.
 */
export function brokerGrants(settings: DeploySettings, definitions: readonly DeployedOrderType[]): BrokerGrant[] {
  const { names } = settings.topology;
  const republishedTo = topologyPlan(settings.topology)
    .exchanges.map((exchange) => exchange.name)
    .filter((name) => name !== names.ordersExchange);
  const depthsRead = definitions.map((definition) => queueOf(settings, definition));
  return [
    grant('bss-producer', 'PRODUCER_RABBITMQ_URL', 'producer-credentials', [], [names.ordersExchange, names.eventsExchange, ...depthsRead], []),
    ...definitions.map((definition) => {
      const user = processorNameOf(definition);
      return grant(user, urlSecretKeyOf(definition), `${user}-credentials`, [], republishedTo, [queueOf(settings, definition)]);
    }),
    grant('ops-console', 'OPS_CONSOLE_RABBITMQ_URL', 'ops-console-credentials', ['monitoring'], [names.ordersExchange, names.eventsExchange, ...depthsRead], [names.deadLetterQueue]),
    grant('order-tracker', 'TRACKER_RABBITMQ_URL', 'order-tracker-credentials', [], [], [names.trackerQueue]),
    grant('keda', 'KEDA_RABBITMQ_HOST', 'keda-credentials', ['monitoring'], [], []),
  ];
}

/** The Secret key of a processor's RabbitMQ URL: `MNP_PROCESSOR_RABBITMQ_URL`. */
export function urlSecretKeyOf(definition: Pick<DeployedOrderType, 'type'>): string {
  return `${definition.type}_PROCESSOR_RABBITMQ_URL`;
}

function grant(user: string, urlSecretKey: string, credentialsSecret: string, tags: string[], writes: string[], reads: string[]): BrokerGrant {
  return { user, urlSecretKey, credentialsSecret, tags, configure: NOTHING, write: exactly(writes), read: exactly(reads) };
}
