import { EXAMPLE_PAYLOADS, OrderType, topologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, uniqueTopology } from '@bss/messaging/testing';
import { getJson, postJson, RunningSystem, startSystem } from './support/system';

interface LedgerEntry {
  orderId: string;
  type: OrderType;
  outcome: 'applied' | 'rejected';
  appliedBy?: string;
  duplicateAttempts: number;
}

const V1_ORDERS = 200;
const SEED_MESSAGES = 50;

/** Sends requests with bounded concurrency, the way a busy front end would. */
async function sendAll<T>(count: number, concurrency: number, send: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await send(index);
      }
    }),
  );
  return results;
}

describe('the order pipeline, end to end on the built bundles', () => {
  const names = uniqueTopology('e2e');
  const logs = new Map<string, string[]>();
  let system: RunningSystem;
  let probe: BrokerProbe;
  let types: OrderType[];

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    system = await startSystem({ QUEUE_NAME: names.prefix, LOG_LEVEL: 'info', SIM_SERVICE_TIME_MS: '2' }, logs);
    types = system.apps.filter((app) => app.orderType).map((app) => app.orderType as OrderType);
  });

  afterAll(async () => {
    await system?.stop();
    await probe.deleteTopology(topologyNames(names.prefix));
    await probe.close();
  });

  it('runs a processor for each order type it serves', () => {
    expect(types).toEqual(expect.arrayContaining(['SUBSCRIPTION', 'MNP']));
  });

  it('validates in the bundle: a bad order is refused with field errors', async () => {
    const response = await postJson(`${system.url('producer-api')}/api/v1/orders`, {
      type: 'MNP',
      payload: { ...EXAMPLE_PAYLOADS.MNP, recipientOperator: 'KT' },
    });
    expect(response.status).toBe(400);
    expect(response.body['errors']).toEqual([{ field: 'payload.recipientOperator', messages: ['recipientOperator must differ from donorOperator'] }]);
  });

  it('applies every accepted order exactly once, each by the processor of its type', async () => {
    const producer = system.url('producer-api');
    const v1 = await sendAll(V1_ORDERS, 20, (index) => {
      const type = types[index % types.length];
      return postJson(`${producer}/api/v1/orders`, { type, payload: EXAMPLE_PAYLOADS[type] });
    });
    const seed = await sendAll(SEED_MESSAGES, 10, (index) =>
      postJson(`${producer}/api/message`, { 타입: types[index % types.length].toLowerCase(), 내용: `seed message ${index}` }),
    );
    expect(v1.map((response) => response.status)).toEqual(Array(V1_ORDERS).fill(202));
    expect(seed.map((response) => response.status)).toEqual(Array(SEED_MESSAGES).fill(200));

    const accepted = new Map<string, OrderType>([
      ...v1.map((response) => [response.body['orderId'] as string, response.body['type'] as OrderType] as const),
      ...seed.map((response) => {
        const details = response.body['세부정보'] as Record<string, string>;
        return [details['메시지아이디'], details['메시지타입'] as OrderType] as const;
      }),
    ]);
    expect(accepted.size).toBe(V1_ORDERS + SEED_MESSAGES);

    const backend = system.url('backend-simulator');
    const stats = await eventually(
      () => getJson<{ applied: number }>(`${backend}/api/v1/ledger/stats`),
      (current) => current.applied >= accepted.size,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(stats.applied).toBe(accepted.size);

    const { entries } = await getJson<{ entries: LedgerEntry[] }>(`${backend}/api/v1/ledger?limit=100000`);
    expect(entries).toHaveLength(accepted.size);
    for (const entry of entries) {
      expect(accepted.get(entry.orderId)).toBe(entry.type);
      expect(entry.outcome).toBe('applied');
      expect(entry.appliedBy).toBe(`${entry.type.toLowerCase()}-processor`);
      expect(entry.duplicateAttempts).toBe(0);
    }
    expect(await getJson(`${backend}/api/v1/ledger/stats`)).toMatchObject({ duplicateAttempts: 0, ordersAppliedMoreThanOnce: 0, rejected: 0 });
    for (const type of types) expect(await probe.messageCount(names.queueFor(type))).toBe(0);
    expect(await probe.messageCount(names.deadLetterQueue)).toBe(0);
  });

  it('records a business rejection as the final outcome: once, not retried, not dead-lettered', async () => {
    const producer = system.url('producer-api');
    const type = types[0];
    const refused = await postJson(`${producer}/api/v1/orders`, { type, payload: { ...EXAMPLE_PAYLOADS[type], customerId: 'C99900012345' } });
    expect(refused.status).toBe(202);
    const orderId = refused.body['orderId'] as string;
    const backend = system.url('backend-simulator');
    const found = await eventually(
      () => fetch(`${backend}/api/v1/ledger/${orderId}`).then((response) => (response.ok ? (response.json() as Promise<{ entries: unknown[] }>) : undefined)),
      (body) => body !== undefined,
    );
    expect(found?.entries).toEqual([expect.objectContaining({ outcome: 'rejected', duplicateAttempts: 0 })]);
    const processorLog = await eventually(
      async () => (logs.get(`${type.toLowerCase()}-processor`) ?? []).map((line) => JSON.parse(line)).find((line) => line.orderId === orderId),
      (line) => line !== undefined,
    );
    expect(processorLog).toMatchObject({ msg: 'order processed', outcome: 'rejected', disposition: 'ack', attempt: 1 });
    expect(await probe.messageCount(names.deadLetterQueue)).toBe(0);
  });

  it('logs one JSON line per processed order and stops every app cleanly', async () => {
    for (const type of types) {
      const processorLogs = (logs.get(`${type.toLowerCase()}-processor`) ?? []).map((line) => JSON.parse(line));
      const processed = processorLogs.filter((line) => line.msg === 'order processed');
      expect(processed.length).toBeGreaterThan(0);
      expect(processed.every((line) => line.type === type && line.orderId && line.durationMs >= 0 && line.attempt === 1)).toBe(true);
    }
    const exitCodes = await system.stop();
    // Nest closes the app on SIGTERM, then re-raises the signal: a clean stop ends by SIGTERM, never SIGKILL.
    for (const code of Object.values(exitCodes)) expect([0, 'SIGTERM']).toContain(code);
    for (const type of types) {
      expect(logs.get(`${type.toLowerCase()}-processor`)?.some((line) => line.includes('"consumer stopped"'))).toBe(true);
    }
  });
});
