import type { PolicySpec, TopologyPlan } from './topology';

export interface ManagedQueue {
  readonly name: string;
  readonly ready: number;
  readonly unacked: number;
  readonly consumers: number;
  /** Cumulative counts since the queue exists; absent where the broker keeps no message stats. */
  readonly published?: number;
  readonly acked?: number;
}

interface QueueJson {
  name: string;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
  message_stats?: { publish?: number; ack?: number };
}

interface Endpoint {
  readonly baseUrl: string;
  readonly authorization: string;
}

/**
 * RabbitMQ's management HTTP API (same on 3.10 and 4.x). Every node of a cluster serves the whole
 * cluster's view, so with several URLs a node that fails or answers 5xx is skipped and the next one
 * asked; the last one that answered is asked first next time. Credentials come in the configured
 * URLs; fetch refuses URLs with credentials, so they move into an Authorization header.
 */
export class ManagementClient {
  private readonly endpoints: Endpoint[];
  private preferred = 0;

  constructor(
    managementUrls: readonly string[],
    private readonly vhost = '/',
    private readonly timeoutMs = 2000,
  ) {
    if (managementUrls.length === 0) throw new Error('the management API needs at least one URL');
    this.endpoints = managementUrls.map(endpointOf);
  }

  /** Every queue of the vhost whose name starts with `<prefix>.`. */
  async queues(prefix: string): Promise<ManagedQueue[]> {
    const columns = 'name,messages_ready,messages_unacknowledged,consumers,message_stats';
    const response = await this.request('GET', `/api/queues/${this.vhostPath()}?columns=${columns}`);
    if (!response.ok) throw new Error(`management API: GET queues answered ${response.status}`);
    const queues = (await response.json()) as QueueJson[];
    return queues.filter((queue) => queue.name.startsWith(`${prefix}.`)).map(managedQueueOf);
  }

  /** One queue; undefined when it does not exist. */
  async queue(name: string): Promise<ManagedQueue | undefined> {
    const response = await this.request('GET', `/api/queues/${this.vhostPath()}/${encodeURIComponent(name)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`management API: GET queue ${name} answered ${response.status}`);
    return managedQueueOf((await response.json()) as QueueJson);
  }

  /** Message ids in a queue, looked at and put back (requeue): for accounting, never for consuming. */
  async peekMessageIds(queue: string, count: number): Promise<string[]> {
    const response = await this.request('POST', `/api/queues/${this.vhostPath()}/${encodeURIComponent(queue)}/get`, {
      count,
      ackmode: 'ack_requeue_true',
      encoding: 'auto',
      truncate: 1000,
    });
    if (response.status === 404) return [];
    const messages = (await response.json()) as { properties?: { message_id?: string } }[];
    return messages.map((message) => message.properties?.message_id).filter((id): id is string => typeof id === 'string');
  }

  /** Deletes the plan's queues and exchanges; those already gone are skipped. */
  async deleteTopology(plan: TopologyPlan): Promise<void> {
    for (const queue of plan.queues) await this.request('DELETE', `/api/queues/${this.vhostPath()}/${encodeURIComponent(queue.name)}`);
    for (const exchange of plan.exchanges) await this.request('DELETE', `/api/exchanges/${this.vhostPath()}/${encodeURIComponent(exchange.name)}`);
  }

  /** The broker's version, e.g. `4.3.6`. */
  async brokerVersion(): Promise<string> {
    const response = await this.request('GET', '/api/overview?columns=rabbitmq_version');
    if (!response.ok) throw new Error(`management API: GET overview answered ${response.status}`);
    return ((await response.json()) as { rabbitmq_version: string }).rabbitmq_version;
  }

  /** Creates or updates a policy of the vhost; the broker applies it to existing queues at once. */
  async putPolicy(policy: PolicySpec): Promise<void> {
    const { name, ...body } = policy;
    const response = await this.request('PUT', `/api/policies/${this.vhostPath()}/${encodeURIComponent(name)}`, body);
    if (!response.ok) throw new Error(`management API: PUT policy ${name} answered ${response.status}: ${await response.text()}`);
  }

  /** Removes a policy; one already gone is skipped. */
  async deletePolicy(name: string): Promise<void> {
    const response = await this.request('DELETE', `/api/policies/${this.vhostPath()}/${encodeURIComponent(name)}`);
    if (!response.ok && response.status !== 404) throw new Error(`management API: DELETE policy ${name} answered ${response.status}`);
  }

  async isReachable(): Promise<boolean> {
    return this.request('GET', '/api/overview').then((response) => response.ok, () => false);
  }

  private vhostPath(): string {
    return encodeURIComponent(this.vhost);
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const failures: string[] = [];
    for (let offset = 0; offset < this.endpoints.length; offset += 1) {
      const index = (this.preferred + offset) % this.endpoints.length;
      const { baseUrl, authorization } = this.endpoints[index];
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.status >= 500) throw new Error(`answered ${response.status}`);
        this.preferred = index;
        return response;
      } catch (error) {
        failures.push(`${new URL(baseUrl).host} ${(error as Error).message}`);
      }
    }
    throw new Error(`management API: ${failures.join('; ')}`);
  }
}

function managedQueueOf(queue: QueueJson): ManagedQueue {
  return {
    name: queue.name,
    ready: queue.messages_ready ?? 0,
    unacked: queue.messages_unacknowledged ?? 0,
    consumers: queue.consumers ?? 0,
    published: queue.message_stats?.publish,
    acked: queue.message_stats?.ack,
  };
}

function endpointOf(managementUrl: string): Endpoint {
  const url = new URL(managementUrl);
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  return { baseUrl: url.toString().replace(/\/$/, ''), authorization };
}

/** The virtual host named by an AMQP URL's path (`amqp://host/` and `amqp://host` both mean `/`). */
export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname.replace(/^\//, '');
  return path === '' ? '/' : decodeURIComponent(path);
}
