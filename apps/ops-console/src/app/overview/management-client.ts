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

/**
 * Reads queues from RabbitMQ's management HTTP API (same on 3.10 and 4.x). Credentials come in the
 * configured URL; fetch refuses URLs with credentials, so they move into an Authorization header.
 */
export class ManagementClient {
  private readonly baseUrl: string;
  private readonly authorization: string;

  constructor(
    managementUrl: string,
    private readonly vhost: string,
    private readonly timeoutMs = 2000,
  ) {
    const url = new URL(managementUrl);
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.baseUrl = url.toString().replace(/\/$/, '');
  }

  async queues(prefix: string): Promise<ManagedQueue[]> {
    const columns = 'name,messages_ready,messages_unacknowledged,consumers,message_stats';
    const response = await fetch(`${this.baseUrl}/api/queues/${encodeURIComponent(this.vhost)}?columns=${columns}`, {
      headers: { authorization: this.authorization },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`management API answered ${response.status}`);
    const queues = (await response.json()) as QueueJson[];
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
}

/** The virtual host named by an AMQP URL's path (`amqp://host/` and `amqp://host` both mean `/`). */
export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname.replace(/^\//, '');
  return path === '' ? '/' : decodeURIComponent(path);
}
