import { topologyNames, TopologyNames } from '@bss/contracts';
import { declareTopology, topologyFromSettings } from '@bss/messaging';
import amqplib, { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { OrderMessage } from '../load/orders';

export const BROKER_URL = process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Queue settings shared by the benchmark's own declarations and the apps it starts (they must agree). */
export const BENCH_QUEUE_SETTINGS = { QUEUE_MAX_LENGTH: 10_000_000, QUEUE_DELIVERY_LIMIT: 20 } as const;
const PROCESSOR_RETRY_STEPS = 3;

export async function connectBroker(): Promise<ChannelModel> {
  const connection = await amqplib.connect(BROKER_URL, { noDelay: true });
  connection.on('error', () => undefined);
  return connection;
}

export function brokerVersion(connection: ChannelModel): string {
  return String(connection.connection.serverProperties['version'] ?? 'unknown');
}

/** A quorum queue like the order queues, with nothing bound to it: the raw ceilings' target. */
export async function declareRawQuorumQueue(connection: ChannelModel, queue: string): Promise<void> {
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.close();
}

export async function deleteQueue(connection: ChannelModel, queue: string): Promise<void> {
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await channel.close();
}

/** The order topology under `prefix`, declared as a processor declares it (same arguments). */
export async function declareOrderTopology(connection: ChannelModel, prefix: string): Promise<TopologyNames> {
  const channel = await connection.createChannel();
  const topology = topologyFromSettings(
    { QUEUE_NAME: prefix, DECLARE_TOPOLOGY: true, ...BENCH_QUEUE_SETTINGS },
    { retrySteps: PROCESSOR_RETRY_STEPS, deferrals: true },
  );
  await declareTopology(channel, topology);
  await channel.close();
  return topologyNames(prefix);
}

export interface PublishTarget {
  readonly exchange: string;
  readonly routingKey: string;
}

/**
 * Publishes every message on one confirm channel without waiting between them (pipelined, pausing
 * only when the socket buffer is full) and resolves with the time until the broker confirmed the last.
 */
export async function publishConfirmed(connection: ChannelModel, target: PublishTarget, messages: readonly OrderMessage[]): Promise<number> {
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  const startedAt = performance.now();
  for (const message of messages) {
    const flushed = channel.publish(target.exchange, target.routingKey, message.content, message.options);
    if (!flushed) await new Promise((resolve) => channel.once('drain', resolve));
  }
  await channel.waitForConfirms();
  const elapsedMs = performance.now() - startedAt;
  await channel.close();
  return elapsedMs;
}

/** Consumes `count` messages with manual acks at the given prefetch; resolves with the time taken. */
export async function consumeAndAck(connection: ChannelModel, queue: string, count: number, prefetch: number): Promise<number> {
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  let received = 0;
  const startedAt = performance.now();
  await new Promise<void>((resolve, reject) => {
    channel.once('close', () => reject(new Error(`channel closed after ${received} of ${count} messages`)));
    void channel.consume(queue, (message) => {
      if (!message) return;
      channel.ack(message);
      received += 1;
      if (received === count) resolve();
    });
  });
  const elapsedMs = performance.now() - startedAt;
  channel.removeAllListeners('close');
  await channel.close();
  return elapsedMs;
}

/** Ready messages in a queue (a passive declare: exact and immediate, unlike the management API). */
export async function readyMessages(channel: Channel, queue: string): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount;
}
