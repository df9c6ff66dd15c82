import { BrokerConnection } from '@bss/messaging';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { createMetrics } from '@bss/observability';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessorMetrics } from './processor-metrics';
import { QueueLengthSampler } from './queue-length-sampler';

const SAMPLE_EVERY_MS = 50;

describe('QueueLengthSampler against the real broker', () => {
  const queue = `${uniqueTopology('sampler').prefix}.MNP`;
  let probe: BrokerProbe;
  let connection: BrokerConnection;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    await probe.onChannel((channel) => channel.assertQueue(queue, { durable: true }));
    connection = new BrokerConnection({ urls: [TEST_BROKER_URL], clientName: 'queue-length-sampler-test' });
    await connection.waitForConnection(10_000);
  });

  afterAll(async () => {
    await connection.close();
    await probe.onChannel((channel) => channel.deleteQueue(queue));
    await probe.close();
  });

  it('samples the ready messages of the queue until stopped', async () => {
    const metrics = createMetrics({ enabled: true });
    const sampler = new QueueLengthSampler(connection, queue, new ProcessorMetrics(metrics, 'MNP'), SAMPLE_EVERY_MS);
    const sampleLine = async () =>
      (await metrics.exposition()).split('\n').find((line) => line.startsWith(`bss_queue_length{queue="${queue}"}`));
    for (let index = 0; index < 3; index += 1) await probe.publishRaw(queue, Buffer.from('{}'));

    sampler.start();
    expect(await eventually(sampleLine, (line) => line?.endsWith(' 3') ?? false)).toBe(`bss_queue_length{queue="${queue}"} 3`);

    sampler.stop();
    await probe.publishRaw(queue, Buffer.from('{}'));
    expect(await probe.messageCount(queue)).toBe(4);
    await sleep(SAMPLE_EVERY_MS * 5);
    expect(await sampleLine()).toBe(`bss_queue_length{queue="${queue}"} 3`);
  });
});
