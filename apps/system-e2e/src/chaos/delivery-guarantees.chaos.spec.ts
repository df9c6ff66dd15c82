import { EXAMPLE_PAYLOADS, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerProbe, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { canControlBroker, startBroker, stopBroker } from '../support/broker-control';
import { recordChaosRow } from '../support/chaos-table';
import { expectEveryOrderOnce, sleep } from '../support/chaos-expectations';
import { runClientScenario } from '../support/client-scenario';
import { postJson, PostResult, RunningSystem, sendPaced, startSystem } from '../support/system';
import { settleAndTally, Tally } from '../support/tally';

const MAX_RETRIES = 3;

interface Scenario {
  readonly system: RunningSystem;
  readonly probe: BrokerProbe;
  readonly names: TopologyNames;
  readonly types: OrderType[];
  readonly accepted: Set<string>;
  readonly responses: PostResult[];
  /** Posts order `index` (types in turn) and records it when accepted. */
  submit(index: number, type?: OrderType): Promise<PostResult>;
}

let probe: BrokerProbe;

async function runScenario(
  title: string,
  env: Record<string, string>,
  act: (scenario: Scenario) => Promise<number>,
  settleTimeoutMs = 90_000,
): Promise<Tally> {
  const names = uniqueTopology('chaos');
  const logs = new Map<string, string[]>();
  const system = await startSystem({ QUEUE_NAME: names.prefix, LOG_LEVEL: 'warn', CONCURRENCY: '10', ...env }, logs);
  const types = system.apps.filter((app) => app.orderType).map((app) => app.orderType as OrderType);
  const accepted = new Set<string>();
  const responses: PostResult[] = [];
  const scenario: Scenario = {
    system,
    probe,
    names,
    types,
    accepted,
    responses,
    submit: async (index, type = types[index % types.length]) => {
      const response = await postJson(`${system.url('producer-api')}/api/v1/orders`, { type, payload: EXAMPLE_PAYLOADS[type] }).catch(
        (error: Error): PostResult => ({ status: 0, body: { message: error.message }, headers: new Headers(), durationMs: 0 }),
      );
      responses.push(response);
      if (response.status === 202) accepted.add(response.body['orderId'] as string);
      return response;
    },
  };
  const startedAt = Date.now();
  try {
    const sent = await act(scenario);
    const tally = await settleAndTally({ scenario: title, system, probe, names, sent, accepted, startedAt, timeoutMs: settleTimeoutMs });
    recordChaosRow(tally);
    return tally;
  } finally {
    await system.stop();
    await probe.deleteTopology(names).catch((error: Error) => process.stderr.write(`cleanup of ${names.prefix} failed: ${error.message}\n`));
  }
}

function expectNothingLostOrDoubled(tally: Tally): void {
  expect(tally).toMatchObject({ lost: 0, appliedTwice: 0 });
  expect(tally.accepted).toBeGreaterThan(0);
}

describe('delivery guarantees under faults (chaos suite)', () => {
  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });

  afterAll(async () => {
    await probe?.close().catch(() => undefined);
  });

  it('kill -9 a processor 10 times at random moments while 2,000 orders flow', async () => {
    const tally = await runScenario('kill -9 processors ×10', { SIM_SERVICE_TIME_MS: '10' }, async (scenario) => {
      const processors = scenario.system.apps.filter((app) => app.orderType).map((app) => app.name);
      const load = sendPaced(2000, 200, (index) => scenario.submit(index));
      for (let kill = 0; kill < 10; kill += 1) {
        await sleep(300 + Math.random() * 500);
        const victim = processors[Math.floor(Math.random() * processors.length)];
        expect(await scenario.system.kill(victim, 'SIGKILL')).toBe('SIGKILL');
        await scenario.system.restart(victim);
      }
      await load;
      return 2000;
    });
    expectNothingLostOrDoubled(tally);
    expect(tally.accepted).toBe(2000);
    expect(tally.appliedOnce).toBe(2000);
  });

  it('stop and restart RabbitMQ during a load: refused or unknown during the outage, never a hang or a 500, and the client resolves every order', async () => {
    if (!(await canControlBroker())) throw new Error('this scenario needs rabbitmqctl on this machine');
    const result = await runClientScenario({
      title: 'RabbitMQ stopped and restarted',
      env: {},
      brokerUrls: [TEST_BROKER_URL],
      orders: 1000,
      ratePerSecond: 100,
      fault: async (context) => {
        await sleep(3000);
        context.faultBegins();
        await stopBroker();
        await sleep(3000);
        await startBroker();
      },
    });
    const attempts = result.records.flatMap((record) => record.attempts);
    expect(attempts.filter((attempt) => ![202, 503, 504].includes(attempt.status))).toEqual([]);
    expect(attempts.filter((attempt) => attempt.status === 503).length).toBeGreaterThan(0);
    expect(attempts.reduce((longest, attempt) => Math.max(longest, attempt.durationMs), 0)).toBeLessThan(2500);
    expectEveryOrderOnce(result);
    expect(result.audit.sent).toBe(1000);
  });

  it('the backend fails every call for 20 s, then recovers: orders are retried and applied', async () => {
    const tally = await runScenario(
      'backend down 20 s, then back',
      { MAX_RETRIES: String(MAX_RETRIES), RETRY_BACKOFF_MS: '2000,8000,20000' },
      async (scenario) => {
        const fault = await postJson(`${scenario.system.url('backend-simulator')}/api/v1/faults`, { status: 503, durationMs: 20_000 }, 'PUT');
        expect(fault.status).toBe(200);
        await sendPaced(300, 100, (index) => scenario.submit(index));
        return 300;
      },
    );
    expectNothingLostOrDoubled(tally);
    expect(tally.appliedOnce).toBe(300);
    expect(tally.deadLettered).toBe(0);
  });

  it('the backend fails permanently for one type: dead letters after exactly MAX_RETRIES + 1 attempts, others unaffected', async () => {
    let failingOrders = 0;
    const tally = await runScenario(
      'backend broken for MNP only',
      { MAX_RETRIES: String(MAX_RETRIES), RETRY_BACKOFF_MS: '200,400,800' },
      async (scenario) => {
        await postJson(`${scenario.system.url('backend-simulator')}/api/v1/faults`, { status: 500, types: ['MNP'] }, 'PUT');
        const results = await sendPaced(200, 200, (index) => scenario.submit(index, index % 2 ? 'MNP' : 'SUBSCRIPTION'));
        failingOrders = results.filter((response, index) => index % 2 && response.status === 202).length;
        return 200;
      },
    );
    expectNothingLostOrDoubled(tally);
    expect(tally.deadLettered).toBe(failingOrders);
    expect(tally.appliedOnce).toBe(tally.accepted - failingOrders);
    expect(tally.ledger.every((entry) => entry.type === 'SUBSCRIPTION')).toBe(true);
    for (const letter of tally.deadLetters) {
      expect(letter.headers).toMatchObject({
        'x-dead-letter-reason': 'retries-exhausted',
        'x-attempts': MAX_RETRIES + 1,
        'x-last-error': expect.stringContaining('backend answered 500'),
        'x-first-failure-at': expect.any(String),
      });
    }
  });

  it('poison messages published straight into the queues are dead-lettered; good orders beside them flow', async () => {
    const poison = [
      Buffer.from('this is not JSON'),
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      Buffer.from(JSON.stringify({ id: 'poison-type', type: 'FAX', version: 1 })),
      Buffer.from(JSON.stringify({ id: 'poison-version', type: 'MNP', version: 99 })),
      Buffer.from(JSON.stringify({ type: 'MNP', version: 1, payload: {} })),
      Buffer.from(JSON.stringify({ id: 'poison-payload', type: 'MNP', version: 1, acceptedAt: new Date().toISOString(), correlationId: 'c', origin: 'api', payload: { msisdn: 'x' } })),
    ];
    const tally = await runScenario('poison messages beside good orders', {}, async (scenario) => {
      const queue = scenario.names.queueFor('MNP');
      const good = sendPaced(200, 200, (index) => scenario.submit(index));
      for (const [index, content] of poison.entries()) {
        const messageId = `poison-${index}`;
        await scenario.probe.publishRaw(queue, content, {}, messageId);
        scenario.accepted.add(messageId);
      }
      await good;
      return 200 + poison.length;
    });
    expectNothingLostOrDoubled(tally);
    expect(tally.deadLettered).toBe(poison.length);
    expect(tally.appliedOnce).toBe(tally.accepted - poison.length);
    expect(tally.deadLetters.map((letter) => letter.headers['x-dead-letter-reason']).sort()).toEqual(
      ['invalid-json', 'invalid-json', 'invalid-payload', 'missing-id', 'unknown-type', 'unsupported-version'],
    );
  });

  it('SIGTERM to every processor mid-load, then restart: zero lost, zero twice', async () => {
    const tally = await runScenario('SIGTERM all processors mid-load', { SIM_SERVICE_TIME_MS: '20', SHUTDOWN_GRACE_SEC: '5' }, async (scenario) => {
      const processors = scenario.system.apps.filter((app) => app.orderType).map((app) => app.name);
      const load = sendPaced(1000, 200, (index) => scenario.submit(index));
      await sleep(2500);
      const endings = await Promise.all(processors.map((name) => scenario.system.kill(name, 'SIGTERM')));
      expect(endings.every((ending) => ending === 0 || ending === 'SIGTERM')).toBe(true);
      await sleep(1000);
      await Promise.all(processors.map((name) => scenario.system.restart(name)));
      await load;
      return 1000;
    });
    expectNothingLostOrDoubled(tally);
    expect(tally.appliedOnce).toBe(1000);
  });
});
