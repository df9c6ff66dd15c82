import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { RabbitCluster, startCluster } from '@bss/rabbitmq-cluster';
import { ClientScenario, ClientScenarioResult, ScenarioContext, runClientScenario } from '../support/client-scenario';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Half the orders are MNP, so its queue is the busiest one. */
const mnpHeavy = (index: number): OrderType => (index % 2 === 0 ? 'MNP' : ORDER_TYPES[(index >> 1) % ORDER_TYPES.length]);

let cluster: RabbitCluster;

function onCluster(scenario: Omit<ClientScenario, 'env' | 'brokerUrls'> & { env?: Record<string, string> }): Promise<ClientScenarioResult> {
  return runClientScenario({
    ...scenario,
    env: { RABBITMQ_URL: cluster.amqpUrls().join(','), RABBITMQ_MANAGEMENT_URL: cluster.managementUrls().join(','), ...scenario.env },
    brokerUrls: cluster.amqpUrls(),
  });
}

async function busiestQueueLeader(context: ScenarioContext): Promise<string> {
  const leader = await cluster.leaderOf(context.names.queueFor('MNP'));
  if (!leader) throw new Error('the MNP queue has no leader to break');
  return leader;
}

/** Every order the client meant to place reached the backend exactly once, and nothing refused was applied. */
function expectEveryOrderOnce({ audit }: ClientScenarioResult): void {
  expect(audit).toMatchObject({ appliedTwice: 0, lost: 0, refusedButApplied: 0, unresolved: 0, deadLettered: 0 });
  expect(audit.appliedOnce).toBe(audit.sent);
  expect(audit.sent).toBeGreaterThan(0);
}

/** The statuses the client saw, counted. */
function statuses({ records }: ClientScenarioResult): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const attempt of records.flatMap((record) => record.attempts)) counts[attempt.status] = (counts[attempt.status] ?? 0) + 1;
  return counts;
}

describe('delivery guarantees on a three-node RabbitMQ cluster (chaos suite)', () => {
  beforeAll(async () => {
    cluster = await startCluster({ ports: 'auto', namePrefix: 'bss-chaos', log: (line) => process.stdout.write(`[cluster] ${line}\n`) });
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  beforeEach(async () => {
    await cluster.waitHealthy({ timeoutMs: 120_000 });
  }, 150_000);

  it('places its queues on all three nodes', async () => {
    const result = await onCluster({
      title: 'cluster: quorum queues on three nodes',
      orders: 40,
      ratePerSecond: 40,
      fault: async (context) => {
        await sleep(500);
        for (const type of ORDER_TYPES) expect((await cluster.membersOf(context.names.queueFor(type))).sort()).toEqual(cluster.nodes.map((node) => node.name).sort());
      },
    });
    expectEveryOrderOnce(result);
  });

  it('kill -9 the node that leads the busiest queue, under load', async () => {
    const result = await onCluster({
      title: 'cluster: kill -9 the busiest queue leader',
      ratePerSecond: 50,
      typeOf: mnpHeavy,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        const leader = await busiestQueueLeader(context);
        context.faultBegins();
        cluster.signal(leader, 'SIGKILL');
        await sleep(10_000);
        await cluster.startNode(leader);
      },
    });
    expectEveryOrderOnce(result);
  });

  it('freeze a node for 30 s (SIGSTOP, then SIGCONT), under load', async () => {
    const result = await onCluster({
      title: 'cluster: node frozen 30 s',
      ratePerSecond: 40,
      typeOf: mnpHeavy,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        const leader = await busiestQueueLeader(context);
        context.faultBegins();
        cluster.signal(leader, 'SIGSTOP');
        await sleep(30_000);
        cluster.signal(leader, 'SIGCONT');
        await cluster.waitHealthy({ timeoutMs: 120_000 });
      },
    });
    expectEveryOrderOnce(result);
    expect(result.audit.longestWithout202Sec).toBeLessThan(30);
  });

  it('restart all three nodes one after the other, under load (a rolling upgrade)', async () => {
    const result = await onCluster({
      title: 'cluster: rolling restart of all nodes',
      ratePerSecond: 40,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        context.faultBegins();
        for (const node of cluster.nodes) {
          await cluster.restartNode(node.name);
          await cluster.waitHealthy({ timeoutMs: 120_000 });
        }
      },
    });
    expectEveryOrderOnce(result);
  });

  it('stop two of three nodes: no majority, intake refuses honestly; one back and everything drains', async () => {
    const [first, second] = cluster.nodes.map((node) => node.name);
    let readyDuringOutage: number | undefined;
    const result = await onCluster({
      title: 'cluster: two of three nodes down',
      ratePerSecond: 40,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        context.faultBegins();
        await Promise.all([cluster.stopNode(first), cluster.stopNode(second)]);
        await sleep(8000);
        readyDuringOutage = (await fetch(`${context.system.url('producer-api')}/ready`)).status;
        await cluster.startNode(second);
        await cluster.startNode(first);
      },
    });
    expectEveryOrderOnce(result);
    expect(readyDuringOutage).toBe(503);
    expect(statuses(result)[503]).toBeGreaterThan(0);
    expect(result.audit.longestWithout202Sec).toBeGreaterThan(8);
  });

  for (const alarm of ['memory', 'disk'] as const) {
    it(`a ${alarm} alarm on the cluster while orders flow: refused at once (nothing published), drained afterwards`, async () => {
      let readyAnswer: { status: number; body: string } | undefined;
      const result = await onCluster({
        title: `cluster: ${alarm} alarm`,
        ratePerSecond: 40,
        tailMs: 5000,
        fault: async (context) => {
          await sleep(4000);
          context.faultBegins();
          if (alarm === 'memory') await cluster.setMemoryAlarm(true);
          else await cluster.setDiskAlarm(true);
          await sleep(8000);
          const ready = await fetch(`${context.system.url('producer-api')}/ready`);
          readyAnswer = { status: ready.status, body: await ready.text() };
          if (alarm === 'memory') await cluster.setMemoryAlarm(false);
          else await cluster.setDiskAlarm(false);
        },
      });
      expectEveryOrderOnce(result);
      expect(readyAnswer?.status).toBe(503);
      expect(readyAnswer?.body).toContain('blocked');
      expect(statuses(result)[503]).toBeGreaterThan(0);
      const slowest = result.records.flatMap((record) => record.attempts).filter((attempt) => attempt.status === 503).reduce((longest, attempt) => Math.max(longest, attempt.durationMs), 0);
      expect(slowest).toBeLessThan(500);
    });
  }
});
