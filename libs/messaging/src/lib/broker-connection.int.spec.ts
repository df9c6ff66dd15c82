import { randomUUID } from 'node:crypto';
import { BrokerProbe, eventually, TEST_BROKER_URL } from '../testing';
import { BrokerConnection } from './broker-connection';
import { BrokerLogger } from './broker-logger';

describe('a channel setup held by the broker', () => {
  const queue = `test.setup-deadline.${randomUUID().slice(0, 8)}`;
  const warnings: string[] = [];
  const logger: BrokerLogger = { info: () => undefined, warn: (_, message) => warnings.push(message), error: () => undefined };
  let probe: BrokerProbe;
  let connection: BrokerConnection;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });

  afterAll(async () => {
    await connection?.close();
    await probe.onChannel((channel) => channel.deleteQueue(queue));
    await probe.close();
  });

  it('is abandoned at the deadline: the connection is opened again and the setup runs anew', async () => {
    const setupDeadlineMs = 1000;
    connection = new BrokerConnection({ urls: [TEST_BROKER_URL], clientName: 'setup-deadline-test', logger, setupDeadlineMs });
    const started = Date.now();
    const setups: number[] = [];
    const wrapper = connection.createChannel({
      name: 'held-once',
      confirm: true,
      setup: async (channel) => {
        setups.push(Date.now() - started);
        // The first setup waits for ever, as a consume on a queue whose leader hangs does.
        if (setups.length === 1) await new Promise(() => undefined);
        await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      },
    });
    await eventually(async () => setups.length, (count) => count >= 2, { timeoutMs: 10_000 });
    expect(setups[1]).toBeGreaterThanOrEqual(setupDeadlineMs);
    expect(setups[1]).toBeLessThan(setupDeadlineMs + 5000);
    expect(warnings).toContain(`channel setup not finished within ${setupDeadlineMs} ms (held by the broker); reconnecting`);
    await wrapper.waitForConnect();
    await wrapper.sendToQueue(queue, Buffer.from('after the deadline'), { persistent: true });
    expect(await probe.messageCount(queue)).toBe(1);
  });
});
