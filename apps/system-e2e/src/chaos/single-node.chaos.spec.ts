import { FaultyLink, TEST_BROKER_URL } from '@bss/messaging/testing';
import { canControlBroker, raiseMemoryAlarm } from '../support/broker-control';
import { expectEveryOrderOnce, expectImmediateRefusals, sleep } from '../support/chaos-expectations';
import { runClientScenario } from '../support/client-scenario';

describe('delivery guarantees on the single local RabbitMQ node (chaos suite)', () => {
  it('a memory alarm while orders flow: 503 at once while blocked, /ready says why, every order applied once afterwards', async () => {
    if (!(await canControlBroker())) throw new Error('this scenario needs rabbitmqctl on this machine');
    let ready: { status: number; body: string } | undefined;
    const result = await runClientScenario({
      title: 'single node: memory alarm',
      env: {},
      brokerUrls: [TEST_BROKER_URL],
      ratePerSecond: 40,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(4000);
        context.faultBegins();
        const clear = await raiseMemoryAlarm();
        try {
          await sleep(8000);
          const answer = await fetch(`${context.system.url('producer-api')}/ready`);
          ready = { status: answer.status, body: await answer.text() };
        } finally {
          await clear();
        }
      },
    });
    expectEveryOrderOnce(result);
    expect(ready?.status).toBe(503);
    expect(ready?.body).toMatch(/blocked publishing \(low on memory\)/);
    expectImmediateRefusals(result);
  });

  it('confirms slowed past PUBLISH_TIMEOUT_MS: outcome unknown, resolved by resending with the key, never applied twice', async () => {
    const { hostname, port } = new URL(TEST_BROKER_URL);
    const link = await FaultyLink.open({ host: hostname, port: Number(port || 5672) });
    try {
      const result = await runClientScenario({
        title: 'single node: confirms later than the timeout',
        env: { RABBITMQ_URL: link.urlFor(TEST_BROKER_URL), PUBLISH_TIMEOUT_MS: '1000' },
        brokerUrls: [TEST_BROKER_URL],
        ratePerSecond: 40,
        tailMs: 5000,
        fault: async (context) => {
          await sleep(3000);
          context.faultBegins();
          link.setMode({ kind: 'delay', ms: 1500 });
          await sleep(10_000);
          link.setMode({ kind: 'pass' });
        },
      });
      expectEveryOrderOnce(result);
      expect(result.audit.unknownAnswers).toBeGreaterThan(0);
      expect(result.audit.unknownResolvedByResend).toBeGreaterThan(0);
    } finally {
      await link.close();
    }
  });
});
