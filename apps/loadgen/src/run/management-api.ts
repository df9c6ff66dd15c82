import { ORDER_TYPES, TopologyNames } from '@bss/contracts';
import { DEFERRAL_DELAYS_MS } from '@bss/messaging';

/** RabbitMQ's management HTTP API: consumers per queue, a look at dead letters, cleanup. */
export class ManagementApi {
  private readonly base: string;
  private readonly authorization: string;

  constructor(managementUrl: string) {
    const url = new URL(managementUrl);
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/$/, '');
  }

  async consumers(queue: string): Promise<number> {
    const response = await this.request('GET', `/api/queues/%2F/${encodeURIComponent(queue)}`);
    if (response.status === 404) return 0;
    return ((await response.json()) as { consumers?: number }).consumers ?? 0;
  }

  /** Message ids in a queue, looked at and put back (requeue), for accounting dead letters. */
  async peekMessageIds(queue: string, count: number): Promise<string[]> {
    const response = await this.request('POST', `/api/queues/%2F/${encodeURIComponent(queue)}/get`, {
      count,
      ackmode: 'ack_requeue_true',
      encoding: 'auto',
      truncate: 1000,
    });
    if (response.status === 404) return [];
    const messages = (await response.json()) as { properties?: { message_id?: string } }[];
    return messages.map((message) => message.properties?.message_id).filter((id): id is string => typeof id === 'string');
  }

  async deleteTopology(names: TopologyNames, retrySteps: number): Promise<void> {
    const queues = [...ORDER_TYPES.map((type) => names.queueFor(type)), names.deadLetterQueue];
    const exchanges = [names.ordersExchange, names.deadLetterExchange];
    for (let step = 1; step <= retrySteps; step += 1) {
      queues.push(names.retryQueueFor(step));
      exchanges.push(names.retryExchangeFor(step));
    }
    for (const delayMs of DEFERRAL_DELAYS_MS) {
      queues.push(names.deferralQueueFor(delayMs));
      exchanges.push(names.deferralExchangeFor(delayMs));
    }
    for (const queue of queues) await this.request('DELETE', `/api/queues/%2F/${encodeURIComponent(queue)}`);
    for (const exchange of exchanges) await this.request('DELETE', `/api/exchanges/%2F/${encodeURIComponent(exchange)}`);
  }

  async isReachable(): Promise<boolean> {
    return this.request('GET', '/api/overview').then((response) => response.ok, () => false);
  }

  private request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: this.authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000),
    });
  }
}
