import { EXAMPLE_PAYLOADS, OrderState, OrderType } from '@bss/contracts';
import { BrokerProbe, eventually, uniqueTopology } from '@bss/messaging/testing';
import { parsePrometheusText } from '@bss/observability';
import { CALLBACK_EVENT_ID_HEADER, CALLBACK_SIGNATURE_HEADER, verifyCallbackSignature } from '@bss/order-tracking';
import { freePorts, launchSystem } from '@bss/system-launcher';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { Client } from 'pg';
import { DIST_APPS_DIR, RunningSystem } from './support/system';

const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const API_KEY = `tracking-key-${randomUUID()}`;
const OTHER_KEY = `tracking-other-${randomUUID()}`;
const OPERATOR_TOKEN = `operator-${randomUUID()}`;
const PENDING_DURATION_MS = 1500;

interface TimelineEntry {
  readonly state: OrderState;
  readonly attempt: number;
  readonly detail?: { reason?: string; reference?: string; nextAttemptAt?: string };
}

interface TrackedOrder {
  readonly orderId: string;
  readonly state: OrderState;
  readonly final: boolean;
  readonly attempt: number;
  readonly timeline: readonly TimelineEntry[];
}

interface ReceivedCallback {
  readonly eventId: string;
  readonly body: {
    readonly eventId: string;
    readonly eventType: string;
    readonly order?: { orderId: string; state: OrderState };
    readonly event?: { productOrder: { id: string; state: string } };
  };
  readonly signatureValid: boolean;
}

/** A client's webhook receiver: down (503) until told otherwise, then it keeps every delivery it takes. */
class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  refused = 0;
  secret = '';
  up = false;
  private server?: Server;

  async start(port: number): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (!this.up) {
          this.refused += 1;
          response.writeHead(503).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const signature = request.headers[CALLBACK_SIGNATURE_HEADER] as string | undefined;
        const parsed = JSON.parse(body) as ReceivedCallback['body'];
        this.received.push({
          eventId: String(request.headers[CALLBACK_EVENT_ID_HEADER]),
          body: parsed,
          signatureValid: verifyCallbackSignature(this.secret, body, signature).valid && parsed.eventId === request.headers[CALLBACK_EVENT_ID_HEADER],
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  statesOf(orderId: string): OrderState[] {
    return this.received.flatMap((callback) => (callback.body.order?.orderId === orderId ? [callback.body.order.state] : []));
  }

  productOrderStatesOf(productOrderId: string): string[] {
    return this.received.flatMap((callback) => (callback.body.event?.productOrder.id === productOrderId ? [callback.body.event.productOrder.state] : []));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** What one order of the mixed run is for: the state it ends in, and what its timeline must show on the way. */
interface Case {
  readonly label: string;
  readonly type: OrderType;
  readonly payload: Record<string, unknown>;
  readonly passesThrough: readonly OrderState[];
  readonly finalState: OrderState;
  orderId?: string;
}

/**
 * The shape of every timeline of this run: accepted and queued, then each time a processor takes the
 * order up, it may wait (a retry, a deferral for lack of budget, a pending backend) and be taken up
 * again, until it ends. Deferrals may befall any order: the budget is two calls a second per type.
 */
const TAKEN_UP = 'in-progress(( retrying| deferred| pending) in-progress)*';
const timelineEndingIn = (finalState: OrderState) => new RegExp(`^accepted queued ${TAKEN_UP} ${finalState}$`);

const cases: Case[] = [
  { label: 'applied', type: 'SUBSCRIPTION', payload: { ...EXAMPLE_PAYLOADS.SUBSCRIPTION }, passesThrough: [], finalState: 'applied' },
  { label: 'rejected', type: 'SUBSCRIPTION', payload: { ...EXAMPLE_PAYLOADS.SUBSCRIPTION, customerId: 'C99900001' }, passesThrough: [], finalState: 'rejected' },
  { label: 'retried', type: 'CHANGE', payload: { ...EXAMPLE_PAYLOADS.CHANGE }, passesThrough: ['retrying'], finalState: 'applied' },
  { label: 'pending, then applied', type: 'MNP', payload: { ...EXAMPLE_PAYLOADS.MNP }, passesThrough: ['pending'], finalState: 'applied' },
  {
    label: 'pending, then rejected',
    type: 'MNP',
    payload: { ...EXAMPLE_PAYLOADS.MNP, customerId: 'C99900002' },
    passesThrough: ['pending'],
    finalState: 'rejected',
  },
];
const DEFERRED_BURST = 6;

describe('an order you can follow: the mixed run on the built system', () => {
  const names = uniqueTopology('tracking');
  const trackingSchema = `test_tracking_${randomUUID().slice(0, 8)}`;
  const opsSchema = `test_tracking_ops_${randomUUID().slice(0, 8)}`;
  const receiver = new CallbackReceiver();
  let system: RunningSystem;
  let probe: BrokerProbe;
  let api: (path: string, init?: RequestInit, key?: string) => Promise<{ status: number; body: Record<string, unknown> }>;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    const [producer, backend, opsConsole, tracker, receiverPort] = await freePorts(5);
    await receiver.start(receiverPort);
    system = await launchSystem({
      distAppsDir: DIST_APPS_DIR,
      env: {
        QUEUE_NAME: names.prefix,
        API_KEYS: `${API_KEY},${OTHER_KEY}`,
        TRACKING_DATABASE_SCHEMA: trackingSchema,
        DATABASE_SCHEMA: opsSchema,
        OPS_OPERATOR_TOKENS: OPERATOR_TOKEN,
        LOG_LEVEL: 'warn',
        // Two backend calls a second per type, and a second to get one: a burst of terminations is deferred.
        BACKEND_RATE_LIMIT: '2',
        PROCESSING_TIMEOUT_SEC: '1',
        MAX_RETRIES: '10',
        RETRY_BACKOFF_MS: '300',
        SIM_SERVICE_TIME_MS: '2',
        PENDING_SHARE: '1',
        PENDING_DURATION_MS: String(PENDING_DURATION_MS),
        CALLBACK_BACKOFF_MS: '200,500,1000',
        CALLBACK_MAX_ATTEMPTS: '100',
      },
      ports: { producer, backend, opsConsole, tracker },
    });
    api = async (path, init = {}, key = API_KEY) => {
      const response = await fetch(`${system.url('producer-api')}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', 'x-api-key': key, ...(init.headers ?? {}) },
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const registered = await api('/api/v1/callbacks', { method: 'POST', body: JSON.stringify({ url: `http://127.0.0.1:${receiverPort}/hooks/orders` }) });
    expect(registered.status).toBe(201);
    receiver.secret = String(registered.body['secret']);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await receiver.stop();
    await probe?.deleteTopology(names);
    await probe?.close();
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${trackingSchema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${opsSchema}" CASCADE`);
    await client.end();
  });

  const backend = (path: string, init: RequestInit = {}) =>
    fetch(`${system.url('backend-simulator')}${path}`, { ...init, headers: init.body ? { 'content-type': 'application/json' } : {} });
  const lookUp = async (orderId: string) => (await api(`/api/v1/orders/${orderId}`)).body as unknown as TrackedOrder;
  const whenFinal = (orderId: string, timeoutMs = 30_000) =>
    eventually(
      () => lookUp(orderId),
      (order) => order.final === true,
      { timeoutMs, intervalMs: 200 },
    );
  const place = async (type: OrderType, payload: Record<string, unknown>) => {
    const placed = await api('/api/v1/orders', { method: 'POST', body: JSON.stringify({ type, payload }) });
    expect(placed.status).toBe(202);
    return String(placed.body['orderId']);
  };
  const statesOf = (order: TrackedOrder) => order.timeline.map((entry) => entry.state).join(' ');

  it('every order shows the right timeline and final state; callbacks arrive signed, in order, once each after the receiver comes back', async () => {
    await backend('/api/v1/faults', { method: 'PUT', body: JSON.stringify({ status: 503, types: ['CHANGE'], durationMs: 1500 }) });
    for (const order of cases) order.orderId = await place(order.type, order.payload);
    const deferred = await Promise.all(Array.from({ length: DEFERRED_BURST }, () => place('TERMINATION', { ...EXAMPLE_PAYLOADS.TERMINATION })));
    const finals = new Map<string, TrackedOrder>();
    for (const order of cases) finals.set(order.label, await whenFinal(order.orderId ?? ''));

    // Dead-lettered, then replayed: a backend that refuses the order outright (400) until an operator replays it.
    await backend('/api/v1/faults', { method: 'PUT', body: JSON.stringify({ status: 400, types: ['SUBSCRIPTION'] }) });
    const replayedId = await place('SUBSCRIPTION', { ...EXAMPLE_PAYLOADS.SUBSCRIPTION });
    expect((await whenFinal(replayedId)).state).toBe('dead-lettered');
    expect((await backend('/api/v1/faults', { method: 'DELETE' })).status).toBe(204);
    const consoleApi = (path: string, init: RequestInit = {}) =>
      fetch(`${system.url('ops-console')}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const stored = await eventually(
      async () => ((await (await consoleApi('/api/v1/dead-letters?type=SUBSCRIPTION')).json()) as { items: { id: string; orderId: string }[] }).items,
      (items) => items.some((item) => item.orderId === replayedId),
    );
    const deadLetter = stored.find((item) => item.orderId === replayedId);
    const replay = await consoleApi('/api/v1/dead-letters/replay', { method: 'POST', body: JSON.stringify({ ids: [deadLetter?.id] }) });
    expect(((await replay.json()) as { done: string[] }).done).toEqual([deadLetter?.id]);

    for (const order of cases) {
      const tracked = finals.get(order.label) as TrackedOrder;
      const states = tracked.timeline.map((entry) => entry.state);
      expect({ order: order.label, state: tracked.state, timeline: statesOf(tracked), passedThrough: order.passesThrough.every((state) => states.includes(state)) }).toEqual({
        order: order.label,
        state: order.finalState,
        timeline: expect.stringMatching(timelineEndingIn(order.finalState)),
        passedThrough: true,
      });
    }
    expect(finals.get('retried')?.attempt).toBeGreaterThanOrEqual(2);
    expect(finals.get('rejected')?.timeline.at(-1)?.detail?.reason).toBe('credit check failed');
    expect(finals.get('pending, then applied')?.timeline.find((entry) => entry.state === 'pending')?.detail?.reference).toEqual(expect.any(String));

    const terminations = await Promise.all(deferred.map((orderId) => whenFinal(orderId)));
    expect(terminations.map((order) => order.state)).toEqual(Array(DEFERRED_BURST).fill('applied'));
    const wereDeferred = terminations.filter((order) => order.timeline.some((entry) => entry.state === 'deferred'));
    expect(wereDeferred.length).toBeGreaterThan(0);
    for (const order of terminations) expect(statesOf(order)).toMatch(timelineEndingIn('applied'));

    const replayed = await eventually(() => lookUp(replayedId), (order) => order.state === 'applied', { timeoutMs: 20_000 });
    expect(statesOf(replayed)).toMatch(new RegExp(`^accepted queued ${TAKEN_UP} dead-lettered replayed ${TAKEN_UP} applied$`));

    // Only now does the receiver come back: everything so far was refused, and is delivered from here on.
    expect(receiver.received).toEqual([]);
    expect(receiver.refused).toBeGreaterThan(0);
    receiver.up = true;
    const everyOrder = [...finals.values(), ...terminations, replayed];
    await eventually(
      async () => receiver.received,
      () => everyOrder.every((order) => receiver.statesOf(order.orderId).at(-1) === order.state),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(receiver.received.every((callback) => callback.signatureValid)).toBe(true);
    const eventIds = receiver.received.map((callback) => callback.eventId);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    for (const order of everyOrder) {
      // Each state change once, in the order of the timeline; a transition the tracker learnt of only
      // after a later one (events travel out of order) was never a change of state, so it is not sent.
      const delivered = receiver.statesOf(order.orderId);
      expect({ orderId: order.orderId, delivered: isSubsequence(delivered, order.timeline.map((entry) => entry.state)) }).toEqual({
        orderId: order.orderId,
        delivered: true,
      });
    }
    // The console reports the replay once the broker confirmed it, so a processor may report the new
    // run's first transition earlier; either way the receiver hears the dead letter and how it ended.
    expect(receiver.statesOf(replayedId)).toEqual(expect.arrayContaining(['dead-lettered', 'applied']));
  }, 180_000);

  it('a TMF622 product order is placed, followed to completed and notified through the hub', async () => {
    const hub = new CallbackReceiver();
    const [hubPort] = await freePorts(1);
    await hub.start(hubPort);
    hub.up = true;
    try {
      const tmf = '/tmf-api/productOrderingManagement/v4';
      const registered = await api(`${tmf}/hub`, { method: 'POST', body: JSON.stringify({ callback: `http://127.0.0.1:${hubPort}/tmf/listener` }) });
      expect(registered.status).toBe(201);
      hub.secret = String(registered.body['secret']);
      const characteristics = (payload: Record<string, unknown>) => Object.entries(payload).map(([name, value]) => ({ name, value }));
      const placed = await api(`${tmf}/productOrder`, {
        method: 'POST',
        body: JSON.stringify({
          externalId: `shop-e2e-${randomUUID()}`,
          productOrderItem: [
            { id: '1', action: 'add', productOffering: { id: 'mobile-subscription' }, product: { productCharacteristic: characteristics(EXAMPLE_PAYLOADS.SUBSCRIPTION) } },
            { id: '2', action: 'add', productOffering: { id: 'mobile-port-in' }, product: { productCharacteristic: characteristics(EXAMPLE_PAYLOADS.MNP) } },
          ],
        }),
      });
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ '@type': 'ProductOrder', state: 'acknowledged' });
      const productOrderId = String(placed.body['id']);

      const followed = await eventually(
        async () => (await api(`${tmf}/productOrder/${productOrderId}`)).body,
        (productOrder) => productOrder['state'] === 'completed',
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect((followed['productOrderItem'] as { state: string }[]).map((item) => item.state)).toEqual(['completed', 'completed']);
      expect((await api(`${tmf}/productOrder/${productOrderId}`, {}, OTHER_KEY)).status).toBe(404);

      // The port-in pends at the clearing house first (PENDING_SHARE=1), so the product order does too.
      await eventually(
        async () => hub.productOrderStatesOf(productOrderId),
        (states) => states.at(-1) === 'completed',
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      const states = hub.productOrderStatesOf(productOrderId);
      expect(states).toContain('pending');
      // Each notification is a change: pending → inProgress → pending is a change each time, a repeat in a row is not.
      expect(states.filter((state, index) => index > 0 && state === states[index - 1])).toEqual([]);
      expect(hub.received.every((callback) => callback.signatureValid && callback.body.eventType === 'ProductOrderStateChangeEvent')).toBe(true);
    } finally {
      await hub.stop();
    }
  });

  it('an order is visible only to the API key that placed it; unknown ids answer 404', async () => {
    const orderId = cases[0].orderId ?? '';
    expect((await api(`/api/v1/orders/${orderId}`)).status).toBe(200);
    expect((await api(`/api/v1/orders/${orderId}`, {}, OTHER_KEY)).status).toBe(404);
    expect((await api(`/api/v1/orders/${randomUUID()}`)).status).toBe(404);
  });

  it('an order is found by its idempotency key', async () => {
    const key = `lookup-${randomUUID()}`;
    const placed = await api('/api/v1/orders', { method: 'POST', body: JSON.stringify({ type: 'SUBSCRIPTION', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION, idempotencyKey: key }) });
    const found = await eventually(
      () => api(`/api/v1/orders?idempotencyKey=${key}`),
      (answer) => answer.status === 200,
    );
    expect((found.body['orders'] as TrackedOrder[]).map((order) => order.orderId)).toEqual([placed.body['orderId']]);
    expect((await api(`/api/v1/orders?idempotencyKey=${key}`, {}, OTHER_KEY)).status).toBe(404);
  });

  it('every transition was stored within a second of happening', async () => {
    const text = await (await fetch(`${system.url('order-tracker')}/metrics`)).text();
    const samples = parsePrometheusText(text);
    const bucket = (le: string) => samples.find((sample) => sample.name === 'bss_tracker_lag_seconds_bucket' && sample.labels['le'] === le)?.value ?? 0;
    expect(bucket('+Inf')).toBeGreaterThan(0);
    expect(bucket('1')).toBe(bucket('+Inf'));
  });
});

function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let index = 0;
  for (const item of whole) if (index < part.length && part[index] === item) index += 1;
  return index === part.length;
}
