import { requiredEnv } from '../required-env';
import amqplib, { ConsumeMessage } from 'amqplib';
import { Agent, createServer, request } from 'node:http';

/**
 * The floor for a processor: raw amqplib consume at the processor's prefetch, one keep-alive
 * node:http POST of the message body to the backend per message, ack after a 2xx answer, requeue
 * otherwise. No decoding, validation, budget, retries, metrics, logs or lifecycle events.
 */
async function main(): Promise<void> {
  const queue = requiredEnv('RAW_QUEUE');
  const prefetch = Number(requiredEnv('RAW_PREFETCH'));
  const backend = new URL('/api/v1/orders', requiredEnv('BACKEND_URL'));
  const agent = new Agent({ keepAlive: true, maxSockets: prefetch });
  const connection = await amqplib.connect(requiredEnv('RABBITMQ_URL'), { noDelay: true });
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);

  const relay = (message: ConsumeMessage) => {
    const call = request(backend, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': message.content.length } }, (answer) => {
      answer.resume();
      answer.on('end', () => {
        const status = answer.statusCode ?? 0;
        if (status >= 200 && status < 300) channel.ack(message);
        else channel.nack(message, false, true);
      });
    });
    call.on('error', () => channel.nack(message, false, true));
    call.end(message.content);
  };
  await channel.consume(queue, (message) => message && relay(message));

  const probe = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  probe.listen(Number(process.env['PORT'] ?? 8197), process.env['HOST'] ?? '127.0.0.1');
  process.once('SIGTERM', () => probe.close(() => void connection.close().finally(() => process.exit(0))));
}

main().catch((error: Error) => {
  process.stderr.write(`raw-relay: ${error.message}\n`);
  process.exit(1);
});
