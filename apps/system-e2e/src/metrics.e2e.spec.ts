import { EXAMPLE_PAYLOADS, topologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, uniqueTopology } from '@bss/messaging/testing';
import { randomUUID } from 'node:crypto';
import { sampleKey, Samples, samplesOf, scrape } from './support/prometheus-text';
import { getJson, RunningSystem, startSystem } from './support/system';

const API_KEY = `metrics-e2e-${randomUUID()}`;
const RATE_LIMIT = 100;

/** Counts a metric's series must read exactly: absent series are wrong, extra ones too. */
function expectSeries(samples: Samples, name: string, expected: Record<string, number>): void {
  const keyed = Object.fromEntries(Object.entries(expected).map(([labels, value]) => [sampleKey(name, JSON.parse(labels)), value]));
  expect(samplesOf(samples, name)).toEqual(keyed);
}

const labels = (values: Record<string, string>): string => JSON.stringify(values);

describe('metrics read exactly what happened to a known set of orders', () => {
  const names = uniqueTopology('metrics');
  const logs = new Map<string, string[]>();
  let system: RunningSystem;
  let probe: BrokerProbe;
  let sequence = 0;

  const mnpOrder = (customerId = 'C00054321') => ({
    type: 'MNP',
    payload: { ...EXAMPLE_PAYLOADS['MNP'], customerId, msisdn: `0107000${String(1000 + (sequence += 1)).slice(-4)}` },
  });

  async function submit(body: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY, 'content-type': 'application/json' }) {
    const response = await fetch(`${system.url('producer-api')}/api/v1/orders`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function setFault(status: number | undefined): Promise<void> {
    const faults = `${system.url('backend-simulator')}/api/v1/faults`;
    const response =
      status === undefined
        ? await fetch(faults, { method: 'DELETE' })
        : await fetch(faults, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, types: ['MNP'] }) });
    expect(response.ok).toBe(true);
  }

  const injectedFailures = () => getJson<{ injectedFailures: number }>(`${system.url('backend-simulator')}/api/v1/faults`).then((body) => body.injectedFailures);

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    system = await startSystem(
      {
        QUEUE_NAME: names.prefix,
        API_KEYS: API_KEY,
        MAX_RETRIES: '2',
        RETRY_BACKOFF_MS: '1500',
        RETRY_JITTER_PERCENT: '0',
        BACKEND_RATE_LIMIT: String(RATE_LIMIT),
        SIM_SERVICE_TIME_MS: '2',
      },
      logs,
    );
  });

  afterAll(async () => {
    await system?.stop();
    await probe.deleteTopology(topologyNames(names.prefix));
    await probe.close();
  });

  it('counts intake, processing, retries, dead letters and backend calls exactly', async () => {
    // One order fails once on a 503 from the backend, is retried and then applied.
    await setFault(503);
    const retried = await submit(mnpOrder());
    expect(retried.status).toBe(202);
    expect(await eventually(injectedFailures, (count) => count >= 1, { intervalMs: 20 })).toBe(1);
    await setFault(undefined);
    const ledgerEntry = `${system.url('backend-simulator')}/api/v1/ledger/${retried.body['orderId'] as string}`;
    expect(await eventually(() => fetch(ledgerEntry).then((response) => response.status), (status) => status === 200)).toBe(200);

    // One order meets a non-retryable refusal (409): dead-lettered at once.
    await setFault(409);
    expect((await submit(mnpOrder())).status).toBe(202);
    expect(await eventually(() => probe.messageCount(names.deadLetterQueue), (count) => count === 1)).toBe(1);
    await setFault(undefined);

    // Three orders applied, two refused on business grounds (C999...), three requests refused at intake.
    const results = await Promise.all([
      submit(mnpOrder()),
      submit(mnpOrder()),
      submit(mnpOrder()),
      submit(mnpOrder('C99900000001')),
      submit(mnpOrder('C99900000002')),
    ]);
    expect(results.map((result) => result.status)).toEqual([202, 202, 202, 202, 202]);
    expect((await submit({ type: 'MNP', payload: { ...EXAMPLE_PAYLOADS['MNP'], recipientOperator: 'KT' } })).status).toBe(400);
    expect((await submit(mnpOrder(), { 'content-type': 'application/json' })).status).toBe(401);
    expect((await submit('MNP please', { 'x-api-key': API_KEY, 'content-type': 'text/plain' })).status).toBe(415);

    const processor = await eventually(
      () => scrape(system.url('mnp-processor')),
      (samples) =>
        samples.get(sampleKey('bss_messages_processed_total', { type: 'MNP', outcome: 'applied' })) === 4 &&
        samples.get(sampleKey('bss_messages_processed_total', { type: 'MNP', outcome: 'rejected' })) === 2,
    );
    const producer = await scrape(system.url('producer-api'));
    // The simulator counts a call once its answer is written, which may trail the processor by a moment.
    const simulator = await eventually(
      () => scrape(system.url('backend-simulator')),
      (samples) => Object.values(samplesOf(samples, 'bss_simulator_requests_total')).reduce((sum, count) => sum + count, 0) === 8,
    );

    expectSeries(producer, 'bss_orders_accepted_total', { [labels({ type: 'MNP' })]: 7 });
    expectSeries(producer, 'bss_publish_confirm_duration_seconds_count', { [labels({ type: 'MNP' })]: 7 });
    expectSeries(producer, 'bss_orders_rejected_total', {
      [labels({ type: 'MNP', reason: 'invalid' })]: 1,
      [labels({ type: 'unknown', reason: 'unauthorized' })]: 1,
      [labels({ type: 'unknown', reason: 'unsupported-media-type' })]: 1,
    });

    const mnp = (outcome: string) => labels({ type: 'MNP', outcome });
    expectSeries(processor, 'bss_messages_processed_total', { [mnp('applied')]: 4, [mnp('rejected')]: 2, [mnp('retried')]: 1, [mnp('dead-lettered')]: 1 });
    expectSeries(processor, 'bss_message_processing_duration_seconds_count', {
      [mnp('applied')]: 4,
      [mnp('rejected')]: 2,
      [mnp('retried')]: 1,
      [mnp('dead-lettered')]: 1,
    });
    expectSeries(processor, 'bss_order_end_to_end_seconds_count', { [mnp('applied')]: 4, [mnp('rejected')]: 2, [mnp('dead-lettered')]: 1 });
    expectSeries(processor, 'bss_retries_total', { [labels({ type: 'MNP', step: '1' })]: 1 });
    expectSeries(processor, 'bss_dead_letters_total', { [labels({ type: 'MNP', reason: 'backend-refused' })]: 1 });
    expectSeries(processor, 'bss_limiter_wait_seconds_count', { [labels({ type: 'MNP' })]: 8 });
    expectSeries(processor, 'bss_backend_in_flight', { [labels({ type: 'MNP' })]: 0 });
    expectSeries(processor, 'bss_backend_rate_limit', { [labels({ type: 'MNP' })]: RATE_LIMIT });
    // The adaptive budget's learned limit: it started at BACKEND_INITIAL_RATE, the 503 cut it, and it never exceeds the cap.
    const learned = Object.values(samplesOf(processor, 'bss_backend_learned_limit'));
    expect(learned).toHaveLength(1);
    expect(learned[0]).toBeGreaterThanOrEqual(1);
    expect(learned[0]).toBeLessThanOrEqual(RATE_LIMIT);
    const calls = { '201': 4, '422': 2, '503': 1, '409': 1 };
    expectSeries(
      processor,
      'bss_backend_requests_total',
      Object.fromEntries(Object.entries(calls).map(([status, count]) => [labels({ type: 'MNP', status }), count])),
    );
    expectSeries(processor, 'bss_backend_errors_total', {
      [labels({ type: 'MNP', kind: 'overloaded' })]: 1,
      [labels({ type: 'MNP', kind: 'refused' })]: 1,
    });

    expectSeries(
      simulator,
      'bss_simulator_requests_total',
      Object.fromEntries(Object.entries(calls).map(([status, count]) => [labels({ type: 'MNP', status }), count])),
    );
    expectSeries(simulator, 'bss_simulator_in_flight', { '{}': 0 });
    expect(producer.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('samples the processor queue length from the broker', async () => {
    const queueLength = sampleKey('bss_queue_length', { queue: names.queueFor('MNP') });
    const samples = await eventually(() => scrape(system.url('mnp-processor')), (current) => current.get(queueLength) === 0);
    expect(samples.get(queueLength)).toBe(0);
  });
});
