import { ENVELOPE_VERSION, encodeEnvelope, OrderEnvelope, parseOrderRequest, parseStrictJson } from '@bss/contracts';
import { envelopePublishOptions } from '@bss/messaging';
import { requiredEnv } from '../required-env';
import amqplib from 'amqplib';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

const BODY_LIMIT_BYTES = 1_048_576;

/**
 * The floor for producer-api: node:http reads the body, the same strict JSON parser and contracts
 * validate it, the same envelope and properties are published on a raw amqplib confirm channel, and
 * 202 follows the broker's confirm. No framework, no metrics, no logs, no idempotency store.
 */
async function main(): Promise<void> {
  const exchange = requiredEnv('RAW_EXCHANGE');
  const routingKey = requiredEnv('RAW_ROUTING_KEY');
  const connection = await amqplib.connect(requiredEnv('RABBITMQ_URL'), { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const publishConfirmed = (envelope: OrderEnvelope) =>
    new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, encodeEnvelope(envelope), envelopePublishOptions(envelope), (error) => (error ? reject(error) : resolve()));
    });

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
  const accept = async (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    let parsedBody: unknown;
    try {
      parsedBody = parseStrictJson(body);
    } catch (error) {
      return answer(response, 400, { message: (error as Error).message });
    }
    const parsed = parseOrderRequest(parsedBody);
    if (!parsed.ok) return answer(response, 400, { message: 'The order is invalid', errors: parsed.errors });
    const correlationHeader = request.headers['x-correlation-id'];
    const envelope: OrderEnvelope = {
      id: randomUUID(),
      type: parsed.request.type,
      version: ENVELOPE_VERSION,
      acceptedAt: new Date().toISOString(),
      correlationId: typeof correlationHeader === 'string' ? correlationHeader : randomUUID(),
      origin: parsed.request.origin,
      payload: parsed.request.payload,
    };
    try {
      await publishConfirmed(envelope);
    } catch (error) {
      return answer(response, 503, { message: (error as Error).message });
    }
    answer(response, 202, { orderId: envelope.id, type: envelope.type, acceptedAt: envelope.acceptedAt, correlationId: envelope.correlationId });
  };

  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/ready') return answer(response, 200, { status: 'ok' });
    if (request.method !== 'POST' || request.url !== '/api/v1/orders') return answer(response, 404, { message: 'not found' });
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > BODY_LIMIT_BYTES) return answer(response, 413, { message: 'body too large' });
      void accept(request, response, Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env['PORT'] ?? 8198), process.env['HOST'] ?? '127.0.0.1');
  process.once('SIGTERM', () => server.close(() => void connection.close().finally(() => process.exit(0))));
}

main().catch((error: Error) => {
  process.stderr.write(`raw-intake: ${error.message}\n`);
  process.exit(1);
});
