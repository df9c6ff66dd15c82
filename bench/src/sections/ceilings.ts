import { freePorts } from '@bss/system-launcher';
import { consumeAndAck, declareRawQuorumQueue, deleteQueue, publishConfirmed } from '../broker/raw-amqp';
import { HttpLoadResult, runHttpLoad, summarizeRuns } from '../load/http-load';
import { orderMessages, orderRequestBody } from '../load/orders';
import { startAppProcess } from '../processes/app-process';
import { valueRow } from '../report/result-row';
import { perSecond } from '../report/statistics';
import { BenchContext, benchBundle, HTTP_CONNECTIONS, SectionResult } from './context';

export const RAW_CONSUME_PREFETCH = 100;

export interface Ceilings {
  readonly publishPerSec?: number;
  readonly consumePerSec?: number;
  readonly httpPerSec?: number;
}

/** What the broker allows: pipelined confirmed publish into a quorum queue, then consume with acks. */
export async function measureBrokerCeilings(context: BenchContext): Promise<Pick<Ceilings, 'publishPerSec' | 'consumePerSec'> & { messageBytes: number }> {
  const queue = `${context.runPrefix}.raw`;
  const messages = orderMessages(context.scale.ceilingMessages);
  await declareRawQuorumQueue(context.connection, queue);
  try {
    context.progress(`ceiling: publishing ${messages.length} messages to ${queue}`);
    const publishMs = await publishConfirmed(context.connection, { exchange: '', routingKey: queue }, messages);
    context.progress('ceiling: consuming them with manual acks');
    const consumeMs = await consumeAndAck(context.connection, queue, messages.length, RAW_CONSUME_PREFETCH);
    return {
      publishPerSec: perSecond(messages.length, publishMs),
      consumePerSec: perSecond(messages.length, consumeMs),
      messageBytes: messages[0].content.length,
    };
  } finally {
    await deleteQueue(context.connection, queue);
  }
}

/** What NestJS + Fastify with producer-api's parsing and validation allows, without the broker. */
export async function measureHttpCeiling(context: BenchContext): Promise<HttpLoadResult> {
  const [port] = await freePorts(1);
  const app = await startAppProcess({ name: 'bare-intake', bundle: benchBundle(context, 'bare-intake'), port, env: {}, logDir: context.logDir });
  try {
    const load = { url: `${app.url}/api/v1/orders`, body: orderRequestBody(), connections: HTTP_CONNECTIONS };
    context.progress('ceiling: bare NestJS endpoint');
    await runHttpLoad({ ...load, durationSec: context.scale.warmUpSec });
    return summarizeRuns([await runHttpLoad({ ...load, durationSec: context.scale.httpDurationSec })]);
  } finally {
    await app.stop();
  }
}

export async function runCeilings(context: BenchContext): Promise<SectionResult & { ceilings: Ceilings }> {
  const broker = await measureBrokerCeilings(context);
  const http = await measureHttpCeiling(context);
  const ceilings = { publishPerSec: broker.publishPerSec, consumePerSec: broker.consumePerSec, httpPerSec: http.succeededPerSec };
  return {
    ceilings,
    figures: { ...ceilings, messageBytes: broker.messageBytes, http, consumePrefetch: RAW_CONSUME_PREFETCH },
    rows: [
      valueRow({ section: 'ceiling', figure: `raw confirmed publish, quorum, ${broker.messageBytes} B`, value: broker.publishPerSec, unit: 'msg/s' }),
      valueRow({ section: 'ceiling', figure: `raw consume + ack, prefetch ${RAW_CONSUME_PREFETCH}`, value: broker.consumePerSec, unit: 'msg/s' }),
      valueRow({ section: 'ceiling', figure: 'bare NestJS + Fastify + validation', value: http.succeededPerSec, unit: 'req/s' }),
      valueRow({ section: 'ceiling', figure: 'bare NestJS p99 latency', value: http.latencyMs.p99, unit: 'ms' }),
    ],
  };
}
