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

/** Start order as in a rollout: the topology Job, then the backend, the processors, the console, intake last. */
const START_ORDER = ['backend-simulator', 'subscription-processor', 'mnp-processor', 'change-processor', 'termination-processor', 'ops-console', 'producer-api'];

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
    await startContainer({ name, image: `${app}:latest`, env: { ...localEnv(deployment(app), manifests, run.addresses), ...run.overrides(app) } });
    running.set(app, name);
    const status = await untilAnswers(`${url(app)}/health/ready`, 60_000);
    if (status !== 200) throw new Error(`${app} was not ready (${status}); its log:\n${(await containerLogs(name)).slice(-3000)}`);
  };
  const apiKey = () => deployment('producer-api').env.API_KEYS.split(',')[0];
  const place = async (type: OrderType) => {
    const response = await fetch(`${url('producer-api')}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey(), 'idempotency-key': randomUUID() },
      body: JSON.stringify({ type, payload: EXAMPLE_PAYLOADS[type] }),
    });
    const body = (await response.json()) as { orderId?: string };
    expect(response.status).toBe(202);
    return body.orderId as string;
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

  it('sends orders of every type through to the backend ledger, each applied exactly once', async () => {
    const placed = new Map<string, OrderType>();
    for (let round = 0; round < 5; round += 1) {
      for (const type of ORDER_TYPES) placed.set(await place(type), type);
    }
    const entries = await untilApplied(placed);
    expect(entries).toHaveLength(placed.size);
    expect(new Set(entries.map((entry) => entry.orderId)).size).toBe(placed.size);
    expect(entries.filter((entry) => entry.duplicateAttempts > 0)).toEqual([]);
    expect(entries.every((entry) => entry.type === placed.get(entry.orderId))).toBe(true);
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
