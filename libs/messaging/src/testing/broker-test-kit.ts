import { ORDER_TYPES, topologyNames, TopologyNames } from '@bss/contracts';
import amqplib, { ChannelModel, GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DEFERRAL_DELAYS_MS } from '../lib/deferral-ladder';

/** The broker every integration test talks to: the machine's RabbitMQ unless told otherwise. */
export const TEST_BROKER_URL = process.env['TEST_RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/** An address where no broker listens, to test behaviour while the broker is down. */
export const UNREACHABLE_BROKER_URL = 'amqp://guest:guest@127.0.0.1:1';

/** Retry steps a test topology may have declared; cleanup removes this many. */
const MAX_TEST_RETRY_STEPS = 8;

/** A topology prefix no other test run shares, so parallel and repeated runs never collide. */
export function uniqueTopology(label: string): TopologyNames {
  return topologyNames(`test.${label}.${randomUUID().slice(0, 8)}`);
}

/**
 * A plain amqplib connection for looking at the broker from outside the code under test. It
 * reconnects on next use after the broker closed it (tests that restart the broker need that),
 * to the first node of a cluster that answers.
 */
export class BrokerProbe {
  private connection?: ChannelModel;

  private constructor(private readonly urls: readonly string[]) {}

  static async connect(url: string | readonly string[] = TEST_BROKER_URL): Promise<BrokerProbe> {
    const probe = new BrokerProbe(typeof url === 'string' ? [url] : url);
    await probe.connected();
    return probe;
  }

  private async connected(): Promise<ChannelModel> {
    if (this.connection) return this.connection;
    const connection = await firstAnswering(this.urls);
    connection.on('error', () => undefined);
    connection.once('close', () => {
      if (this.connection === connection) this.connection = undefined;
    });
    this.connection = connection;
    return connection;
  }

  async messageCount(queue: string): Promise<number> {
    return this.onChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
  }

  async consumerCount(queue: string): Promise<number> {
    return this.onChannel(async (channel) => (await channel.checkQueue(queue)).consumerCount);
  }

  /** Takes up to `max` messages off a queue (acked), in order. */
  async drain(queue: string, max = 10_000): Promise<GetMessage[]> {
    return this.onChannel(async (channel) => {
      const messages: GetMessage[] = [];
      while (messages.length < max) {
        const message = await channel.get(queue, { noAck: true });
        if (!message) break;
        messages.push(message);
      }
      return messages;
    });
  }

  async publishRaw(queue: string, content: Buffer, headers: Record<string, unknown> = {}, messageId?: string): Promise<void> {
    const channel = await (await this.connected()).createConfirmChannel();
    try {
      channel.sendToQueue(queue, content, { persistent: true, headers, messageId });
      await channel.waitForConfirms();
    } finally {
      await channel.close();
    }
  }

  /** Runs work on a fresh channel; resolves to the error instead if the broker closes the channel. */
  async onChannel<T>(work: (channel: amqplib.Channel) => Promise<T>): Promise<T> {
    const channel = await (await this.connected()).createChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Removes everything a test declared under its unique prefix. */
  async deleteTopology(names: TopologyNames): Promise<void> {
    await this.onChannel(async (channel) => {
      for (const type of ORDER_TYPES) await channel.deleteQueue(names.queueFor(type));
      await channel.deleteQueue(names.deadLetterQueue);
      await channel.deleteQueue(names.trackerQueue);
      await channel.deleteExchange(names.eventsExchange);
      for (let step = 1; step <= MAX_TEST_RETRY_STEPS; step += 1) {
        await channel.deleteQueue(names.retryQueueFor(step));
        await channel.deleteExchange(names.retryExchangeFor(step));
      }
      for (const delayMs of DEFERRAL_DELAYS_MS) {
        await channel.deleteQueue(names.deferralQueueFor(delayMs));
        await channel.deleteExchange(names.deferralExchangeFor(delayMs));
      }
      await channel.deleteExchange(names.ordersExchange);
      await channel.deleteExchange(names.deadLetterExchange);
    });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }
}

async function firstAnswering(urls: readonly string[]): Promise<ChannelModel> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      return await amqplib.connect(url, { timeout: 2000 });
    } catch (error) {
      failures.push(`${new URL(url).host}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no broker answered (${failures.join('; ')})`);
}

export async function eventually<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
