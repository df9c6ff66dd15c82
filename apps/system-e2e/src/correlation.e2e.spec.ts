import { EXAMPLE_PAYLOADS, topologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, uniqueTopology } from '@bss/messaging/testing';
import { randomUUID } from 'node:crypto';
import { postJson, RunningSystem, startSystem } from './support/system';

/** MSISDNs in both accepted shapes, and customer ids, that must never reach a log line whole. */
const SENT = {
  applied: { customerId: 'C00071234567', msisdn: '010-7123-4567' },
  rejected: { customerId: 'C99971234568', msisdn: '01071234568' },
  deadLettered: { customerId: 'C00071234569', msisdn: '010-7123-4569' },
};
const UNMASKED_MSISDN = /(?<![\d*])01[016789]-?\d{3,4}-?\d{4}(?!\d)/;
const UNMASKED_CUSTOMER_ID = /(?<![A-Za-z\d])C\d{8,12}(?!\d)/;

type LogLine = Record<string, unknown>;

describe('correlated, masked logs across producer, processor and backend', () => {
  const names = uniqueTopology('correlation');
  const logs = new Map<string, string[]>();
  let system: RunningSystem;
  let probe: BrokerProbe;

  const linesOf = (app: string): LogLine[] => (logs.get(app) ?? []).map((line) => JSON.parse(line) as LogLine);

  async function submit(parties: { customerId: string; msisdn: string }, correlationId: string): Promise<string> {
    const response = await fetch(`${system.url('producer-api')}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
      body: JSON.stringify({ type: 'MNP', payload: { ...EXAMPLE_PAYLOADS['MNP'], ...parties } }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    const body = (await response.json()) as { orderId: string; correlationId: string };
    expect(body.correlationId).toBe(correlationId);
    return body.orderId;
  }

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    system = await startSystem({ QUEUE_NAME: names.prefix, LOG_LEVEL: 'debug', MAX_RETRIES: '0', SIM_SERVICE_TIME_MS: '2' }, logs);
  });

  afterAll(async () => {
    await system?.stop();
    await probe.deleteTopology(topologyNames(names.prefix));
    await probe.close();
  });

  it("carries one order's id and correlation id from the request through the processor to the backend", async () => {
    const correlationId = `corr-${randomUUID()}`;
    const orderId = await submit(SENT.applied, correlationId);
    const ofOrder = (line: LogLine) => line['orderId'] === orderId && line['correlationId'] === correlationId;

    const backendLine = await eventually(async () => linesOf('backend-simulator').find(ofOrder), (line) => line !== undefined);
    expect(backendLine).toMatchObject({ msg: 'order handled', outcome: 'applied', processor: 'mnp-processor' });
    expect(linesOf('producer-api').find(ofOrder)).toMatchObject({ msg: 'order accepted', type: 'MNP' });
    const processorLine = await eventually(async () => linesOf('mnp-processor').find(ofOrder), (line) => line !== undefined);
    expect(processorLine).toMatchObject({ msg: 'order processed', outcome: 'applied' });
  });

  it('logs the rejection and dead-letter paths with their correlation ids too', async () => {
    const rejectedCorrelation = `corr-${randomUUID()}`;
    const rejectedId = await submit(SENT.rejected, rejectedCorrelation);
    // The fault below must not catch the rejected order's backend call.
    const rejectedLine = await eventually(async () => linesOf('mnp-processor').find((line) => line['orderId'] === rejectedId), (line) => line !== undefined);
    expect(rejectedLine).toMatchObject({ correlationId: rejectedCorrelation, outcome: 'rejected' });

    const faults = `${system.url('backend-simulator')}/api/v1/faults`;
    expect((await postJson(faults, { status: 500, types: ['MNP'] }, 'PUT')).status).toBe(200);
    const deadCorrelation = `corr-${randomUUID()}`;
    const deadId = await submit(SENT.deadLettered, deadCorrelation);
    expect(await eventually(() => probe.messageCount(names.deadLetterQueue), (count) => count === 1)).toBe(1);
    await fetch(faults, { method: 'DELETE' });

    expect(linesOf('mnp-processor').find((line) => line['orderId'] === deadId)).toMatchObject({
      correlationId: deadCorrelation,
      msg: 'order dead-lettered',
      reason: 'retries-exhausted',
    });
    expect(linesOf('backend-simulator').find((line) => line['orderId'] === deadId)).toMatchObject({ correlationId: deadCorrelation, status: 500 });
  });

  it('never logs a whole MSISDN or customer id, in any app', async () => {
    await system.stop();
    const everyLine = [...logs.values()].flat();
    expect(everyLine.length).toBeGreaterThan(20);
    expect(everyLine.filter((line) => UNMASKED_MSISDN.test(line))).toEqual([]);
    expect(everyLine.filter((line) => UNMASKED_CUSTOMER_ID.test(line))).toEqual([]);
    for (const { customerId, msisdn } of Object.values(SENT)) {
      expect(everyLine.filter((line) => line.includes(customerId) || line.includes(msisdn) || line.includes(msisdn.replaceAll('-', '')))).toEqual([]);
    }
  });
});
