import { ORDER_HEADERS } from '@bss/contracts';
import { BrokerProbe, FaultyLink, TEST_BROKER_URL } from '@bss/messaging/testing';
import { sleep } from '../support/chaos-expectations';
import { runClientScenario, ScenarioContext } from '../support/client-scenario';
import { ScratchService, startScratchPostgres, startScratchRedis } from '../support/scratch-services';
import { freePorts, getJson, postJson } from '../support/system';
import { DeadLetter } from '../support/tally';

interface SecondOfLoad {
  second: number;
  type: string;
  requests: number;
}

const OPS_TOKEN = 'chaos-operator-token-0123456789';
const PAGE = 500;

/** The ops console's stored dead letters of one type, as the audit counts them. */
async function storedDeadLetters(context: ScenarioContext, type: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const response = await fetch(`${context.system.url('ops-console')}/api/v1/dead-letters?type=${type}&limit=${PAGE}&offset=${offset}`, {
      headers: { authorization: `Bearer ${OPS_TOKEN}` },
    });
    if (!response.ok) throw new Error(`the console answered ${response.status}`);
    const page = (await response.json()) as { items: { orderId: string | null; correlationId: string | null }[]; total: number };
    letters.push(...page.items.map((item) => ({ messageId: item.orderId ?? undefined, headers: { [ORDER_HEADERS.correlationId]: item.correlationId } })));
    if (offset + PAGE >= page.total) return letters;
  }
}

async function busiestSecond(context: ScenarioContext, type: string, sinceSecond: number): Promise<number> {
  const { seconds } = await getJson<{ seconds: SecondOfLoad[] }>(`${context.system.url('backend-simulator')}/api/v1/load?since=${sinceSecond}`);
  return seconds.filter((second) => second.type === type).reduce((most, second) => Math.max(most, second.requests), 0);
}

describe('delivery guarantees when the other dependencies fail (chaos suite)', () => {
  let scratch: ScratchService | undefined;

  afterEach(async () => {
    await scratch?.remove();
    scratch = undefined;
  });

  it('Redis (the shared backend budget) down for 20 s while two replicas drain a backlog: nothing lost, the backend never above its capacity', async () => {
    const redis = await startScratchRedis();
    scratch = redis;
    const capacity = 30;
    const startedSecond = Math.floor(Date.now() / 1000);
    let busiest = Infinity;
    const { audit } = await runClientScenario({
      title: 'Redis down 20 s during the drain',
      env: { REDIS_URL: redis.url, SIM_CAPACITY_RPS_BY_TYPE: `MNP=${capacity}`, BACKEND_RATE_LIMIT: String(capacity * 0.9), BACKEND_MAX_CONCURRENCY: '10' },
      brokerUrls: [TEST_BROKER_URL],
      system: { replicas: { 'mnp-processor': 2 } },
      orders: 600,
      ratePerSecond: 40,
      typeOf: () => 'MNP',
      fault: async (context) => {
        await sleep(8000);
        context.faultBegins();
        await redis.stop();
        await sleep(20_000);
        await redis.start();
      },
      afterDrain: async (context) => {
        busiest = await busiestSecond(context, 'MNP', startedSecond);
      },
    });
    expect(audit).toMatchObject({ sent: 600, accepted: 600, appliedOnce: 600, appliedTwice: 0, lost: 0, refusedButApplied: 0 });
    expect(busiest).toBeLessThanOrEqual(capacity);
  });

  it('PostgreSQL (the ops console store) down for 20 s while orders are dead-lettered: none lost, all stored once it is back', async () => {
    const postgres = await startScratchPostgres();
    scratch = postgres;
    let deadLettersLeftInQueue = -1;
    const { audit } = await runClientScenario({
      title: 'PostgreSQL down 20 s while dead-lettering',
      env: { DATABASE_URL: postgres.url, OPS_OPERATOR_TOKENS: OPS_TOKEN },
      brokerUrls: [TEST_BROKER_URL],
      system: { withOpsConsole: true },
      orders: 300,
      ratePerSecond: 20,
      typeOf: () => 'MNP',
      fault: async (context) => {
        const fault = await postJson(`${context.system.url('backend-simulator')}/api/v1/faults`, { status: 409, types: ['MNP'] }, 'PUT');
        expect(fault.status).toBe(200);
        await sleep(3000);
        context.faultBegins();
        await postgres.stop();
        await sleep(20_000);
        await postgres.start();
      },
      deadLetters: (context) => storedDeadLetters(context, 'MNP'),
      afterDrain: async (context) => {
        const probe = await BrokerProbe.connect(TEST_BROKER_URL);
        deadLettersLeftInQueue = await probe.messageCount(context.names.deadLetterQueue).finally(() => probe.close());
      },
    });
    expect(audit).toMatchObject({ sent: 300, accepted: 300, appliedTwice: 0, lost: 0, refusedButApplied: 0 });
    expect(audit.appliedOnce + audit.deadLettered).toBe(300);
    expect(audit.deadLettered).toBeGreaterThan(250);
    expect(deadLettersLeftInQueue).toBe(0);
  });

  it('a backend that accepts connections and never answers for 20 s: calls time out, are retried, and each order is applied once', async () => {
    const [backendPort] = await freePorts(1);
    const link = await FaultyLink.open({ host: '127.0.0.1', port: backendPort });
    try {
      const { audit } = await runClientScenario({
        title: 'backend hangs 20 s (accepts, never answers)',
        env: { PROCESSING_TIMEOUT_SEC: '2', MAX_RETRIES: '10', RETRY_BACKOFF_MS: '1000,2000,4000' },
        brokerUrls: [TEST_BROKER_URL],
        system: { backendPort, processorBackendUrl: `http://127.0.0.1:${link.port}` },
        orders: 450,
        ratePerSecond: 30,
        fault: async (context) => {
          await sleep(3000);
          context.faultBegins();
          link.setMode({ kind: 'frozen' });
          await sleep(20_000);
          link.setMode({ kind: 'pass' });
        },
      });
      expect(audit).toMatchObject({ sent: 450, accepted: 450, appliedOnce: 450, appliedTwice: 0, deadLettered: 0, lost: 0, refusedButApplied: 0 });
    } finally {
      await link.close();
    }
  });
});
