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
 * Reads queues from RabbitMQ's management HTTP API (same on 3.10 and 4.x). Every node of a cluster
 * serves the whole cluster's view, so with several URLs a failing node is skipped and the next one
 * asked; the last one that answered is asked first next time. Credentials come in the configured
 * URLs; fetch refuses URLs with credentials, so they move into an Authorization header.
 */
export class ManagementClient {
  private readonly endpoints: Endpoint[];
  private preferred = 0;

  constructor(
    managementUrls: readonly string[],
    private readonly vhost: string,
    private readonly timeoutMs = 2000,
  ) {
    this.endpoints = managementUrls.map(endpointOf);
  }

  async queues(prefix: string): Promise<ManagedQueue[]> {
    const columns = 'name,messages_ready,messages_unacknowledged,consumers,message_stats';
    const queues = await this.getJson<QueueJson[]>(`/api/queues/${encodeURIComponent(this.vhost)}?columns=${columns}`);
    return queues
      .filter((queue) => queue.name.startsWith(`${prefix}.`))
      .map((queue) => ({
        name: queue.name,
        ready: queue.messages_ready ?? 0,
        unacked: queue.messages_unacknowledged ?? 0,
        consumers: queue.consumers ?? 0,
        published: queue.message_stats?.publish,
        acked: queue.message_stats?.ack,
      }));
  }

  private async getJson<T>(path: string): Promise<T> {
    const failures: string[] = [];
    for (let offset = 0; offset < this.endpoints.length; offset += 1) {
      const index = (this.preferred + offset) % this.endpoints.length;
      const { baseUrl, authorization } = this.endpoints[index];
      try {
        const response = await fetch(`${baseUrl}${path}`, { headers: { authorization }, signal: AbortSignal.timeout(this.timeoutMs) });
        if (!response.ok) throw new Error(`answered ${response.status}`);
        const body = (await response.json()) as T;
        this.preferred = index;
        return body;
      } catch (error) {
        failures.push(`${new URL(baseUrl).host} ${(error as Error).message}`);
      }
    }
    throw new Error(`management API: ${failures.join('; ')}`);
  }
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
