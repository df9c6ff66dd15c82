import { EXAMPLE_PAYLOADS, ORDER_TYPES, OrderType } from '@bss/contracts';
import { eventually } from '@bss/messaging/testing';
import { randomUUID } from 'node:crypto';
import { containerLogs, docker, startContainer, waitForExit } from './docker';
import { deployableApps, localRun, LocalRun, untilAnswers } from './local-run';
import { localEnv, renderMinikubeOverlay, Workload, workloadsOf } from './manifest-env';

interface LedgerEntry {
  readonly orderId: string;
  readonly type: OrderType;
  readonly duplicateAttempts: number;
}

/** Start order as in a rollout: the topology Job, then the backend, the tracker, the processors, the console, intake last. */
const START_ORDER = [
  'backend-simulator',
  'order-tracker',
  'subscription-processor',
  'mnp-processor',
  'change-processor',
  'termination-processor',
  'ops-console',
  'producer-api',
];
/** How often a client resends an order whose answer was "outcome unknown" (503/504), as those answers advise. */
const RESENDS = 5;

describe('the whole system from its images, configured by the rendered minikube overlay', () => {
  const manifests = renderMinikubeOverlay();
  const workloads = workloadsOf(manifests, deployableApps());
  let run: LocalRun;
  const running = new Map<string, string>();

  const deployment = (app: string): Workload => {
    const found = workloads.find((workload) => workload.app === app && workload.kind === 'Deployment');
    if (!found) throw new Error(`the minikube overlay runs no Deployment of ${app}`);
    return found;
  };
  const url = (app: string) => `http://127.0.0.1:${run.addresses.portOf[app]}`;
  const start = async (app: string) => {
    const name = run.containerName(app);
    await startContainer({ name, image: `${app}:latest`, env: run.ownSchemas(app, localEnv(deployment(app), manifests, run.addresses)) });
    running.set(app, name);
    const status = await untilAnswers(`${url(app)}/health/ready`, 60_000);
    if (status !== 200) throw new Error(`${app} was not ready (${status}); its log:\n${(await containerLogs(name)).slice(-3000)}`);
  };
  const apiKey = () => deployment('producer-api').env.API_KEYS.split(',')[0];
  const headersFor = (idempotencyKey: string) => ({ 'content-type': 'application/json', 'x-api-key': apiKey(), 'idempotency-key': idempotencyKey });
  /**
   * Places an order as a well-behaved client does: a 503 or 504 means the outcome is unknown, so it
   * sends the same order with the same key again after Retry-After (a shared broker may be slow to confirm).
   */
  const place = async (type: OrderType) => {
    const idempotencyKey = randomUUID();
    for (let sent = 1; ; sent += 1) {
      const response = await fetch(`${url('producer-api')}/api/v1/orders`, {
        method: 'POST',
        headers: headersFor(idempotencyKey),
        body: JSON.stringify({ type, payload: EXAMPLE_PAYLOADS[type] }),
      });
      const body = (await response.json()) as { orderId?: string };
      if ((response.status === 503 || response.status === 504) && sent <= RESENDS) {
        await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      expect(response.status).toBe(202);
      return body.orderId as string;
    }
  };
  /** The backend ledger's entries of `placed` orders. */
  const ledgerOf = async (placed: { has(id: string): boolean }): Promise<LedgerEntry[]> => {
    const response = await fetch(`${url('backend-simulator')}/api/v1/ledger?limit=100000`);
    return ((await response.json()) as { entries: LedgerEntry[] }).entries.filter((entry) => placed.has(entry.orderId));
  };
  const untilApplied = (placed: { has(id: string): boolean; size: number }, count = placed.size) =>
    eventually(() => ledgerOf(placed), (entries) => entries.length >= count, { timeoutMs: 60_000 });

  beforeAll(async () => {
    run = await localRun('system');
    const job = workloads.find((workload) => workload.kind === 'Job');
    if (!job) throw new Error('the minikube overlay has no topology Job');
    const jobName = run.containerName('topology');
    await startContainer({ name: jobName, image: `${job.app}:latest`, env: localEnv(job, manifests, run.addresses), command: job.command });
    expect(await waitForExit(jobName)).toBe(0);
    for (const app of START_ORDER) await start(app);
  }, 240_000);

  afterAll(async () => {
    await run?.cleanUp();
  });

  it('sends orders of every type through to the backend ledger, each applied exactly once, and the tracker follows them to `applied`', async () => {
    const placed = new Map<string, OrderType>();
    for (let round = 0; round < 5; round += 1) {
      for (const type of ORDER_TYPES) placed.set(await place(type), type);
    }
    const entries = await untilApplied(placed);
    expect(entries).toHaveLength(placed.size);
    expect(new Set(entries.map((entry) => entry.orderId)).size).toBe(placed.size);
    expect(entries.filter((entry) => entry.duplicateAttempts > 0)).toEqual([]);
    expect(entries.every((entry) => entry.type === placed.get(entry.orderId))).toBe(true);

    const [followed] = placed.keys();
    const status = await eventually(
      async () => (await fetch(`${url('producer-api')}/api/v1/orders/${followed}`, { headers: { 'x-api-key': apiKey() } })).json() as Promise<{ state?: string }>,
      (answer) => answer.state === 'applied',
      { timeoutMs: 10_000 },
    );
    expect(status.state).toBe('applied');
  });

  it('a processor container stopped with `docker stop` finishes its in-flight orders first', async () => {
    const orders = await Promise.all(Array.from({ length: 300 }, () => place('MNP')));
    const placed = new Set(orders);
    expect((await untilApplied(placed, 20)).length).toBeGreaterThanOrEqual(20);
    const processor = running.get('mnp-processor') as string;
    await docker(['stop', '--time', '30', processor], 60_000);
    const code = await waitForExit(processor);
    const logs = await containerLogs(processor);
    expect({ code, unreachable: /backend unreachable/i.test(logs) }).toEqual({ code: 0, unreachable: false });
    expect((await ledgerOf(placed)).length).toBeLessThan(placed.size);

    await start('mnp-processor');
    const entries = await untilApplied(placed);
    expect(entries).toHaveLength(placed.size);
    // An order cut off in its backend call would come back after the restart: its second attempt shows here.
    expect(entries.filter((entry) => entry.duplicateAttempts > 0)).toEqual([]);
  });
});
