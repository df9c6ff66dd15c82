import {
  compareLifePosition,
  FINAL_STATES,
  eventKeyOf,
  isOrderState,
  lifePosition,
  OrderEventDetail,
  OrderLifecycleEvent,
  OrderState,
  OrderType,
} from '@bss/contracts';
import { Pool, PoolClient } from 'pg';
import { CallbackDeliveryRow, CallbackSubscription, subscriptionOf } from './callback-store';
import { connectPool, inTransaction, quotedSchema } from './pg-transaction';
import { migrateTracking } from './tracking-schema';
import { isFinalState, TimelineEntry, TrackedOrder } from './tracked-order';

/** A transition that moved an order's current state forward: what callbacks are sent about. */
export interface StateChange {
  readonly event: OrderLifecycleEvent;
  readonly clientId?: string;
  readonly idempotencyKey?: string;
}

/**
 * Renders the body a subscription is sent for a change, or nothing when the subscription does not want
 * it. It runs inside the transaction that records the change, on `client`, which already sees the
 * batch's new states (for a renderer that reports on several orders at once, like TMF622's).
 */
export type CallbackRenderer = (
  subscription: CallbackSubscription,
  change: StateChange,
  client: PoolClient,
) => CallbackDeliveryRow | undefined | Promise<CallbackDeliveryRow | undefined>;

/** What waits in one order type's backlog, from the tracker's view. */
export interface WaitingOrders {
  readonly type: OrderType;
  readonly waiting: number;
  /** Accepted time of the oldest order not yet taken up by a processor. */
  readonly oldestAcceptedAt?: string;
}

/** States in which an order waits in a queue rather than being worked on or finished. */
export const WAITING_STATES: readonly OrderState[] = ['accepted', 'queued', 'retrying', 'deferred', 'replayed'];

interface StoredPosition {
  readonly position: readonly number[];
  readonly clientId?: string;
  readonly idempotencyKey?: string;
}

/** How many orders a lookup by a key that is not unique (a correlation id) returns at most. */
const MOST_MATCHES = 50;

/**
 * The order tracker's store in PostgreSQL: one row per order with its current state and the position
 * of that state in the order's life, and one row per lifecycle event (its timeline). Events are
 * applied in batches, each in one transaction: duplicates are dropped by their key, and the current
 * state moves only to a later position, so events that arrive twice or out of order never make an
 * order go backwards.
 */
export class OrderTrackingStore {
  readonly schema: string;

  constructor(
    readonly pool: Pool,
    schema: string,
  ) {
    this.schema = quotedSchema(schema);
  }

  static connect(databaseUrl: string, schema: string, poolSize = 5): OrderTrackingStore {
    return new OrderTrackingStore(connectPool(databaseUrl, poolSize), schema);
  }

  migrate(): Promise<void> {
    return migrateTracking(this.pool, this.schema);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Applies a batch of events in one transaction and returns the changes that moved orders forward, in
   * each order's life order; for each, `render` makes the callback deliveries, stored in the same
   * transaction, so a change is notified exactly when it is recorded.
   */
  async apply(events: readonly OrderLifecycleEvent[], render?: CallbackRenderer): Promise<StateChange[]> {
    const unique = [...new Map(events.map((event) => [eventKeyOf(event), event])).values()];
    if (unique.length === 0) return [];
    return inTransaction(this.pool, async (client) => {
      // One writer at a time across tracker replicas: the change detection below reads, then writes.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bss-tracker-apply:${this.schema}`]);
      const stored = await this.positionsOf(client, [...new Set(unique.map((event) => event.orderId))]);
      const changes = forwardChanges(unique, stored);
      await this.upsertOrders(client, unique);
      await this.insertEvents(client, unique);
      if (render && changes.length > 0) await this.enqueueCallbacks(client, changes, render);
      return changes;
    });
  }

  async find(orderId: string): Promise<TrackedOrder | undefined> {
    return (await this.findWhere('order_id = ANY($1)', [[orderId]]))[0];
  }

  /** Orders whose id is one of `orderIds` (an idempotency key gives one id per order type). */
  findAny(orderIds: readonly string[]): Promise<TrackedOrder[]> {
    return this.findWhere('order_id = ANY($1)', [orderIds]);
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<TrackedOrder[]> {
    return this.findWhere('idempotency_key = $1', [idempotencyKey]);
  }

  findByCorrelationId(correlationId: string): Promise<TrackedOrder[]> {
    return this.findWhere('correlation_id = $1', [correlationId]);
  }

  /** A client's orders, newest first, optionally in some states only. */
  async listForClient(clientId: string, options: { states?: readonly OrderState[]; limit: number; offset: number }): Promise<TrackedOrder[]> {
    const values: unknown[] = [clientId];
    let where = 'client_id = $1';
    if (options.states && options.states.length > 0) {
      values.push(options.states);
      where += ` AND state = ANY($${values.length})`;
    }
    values.push(options.limit, options.offset);
    const { rows } = await this.pool.query(
      `SELECT order_id FROM ${this.schema}.orders WHERE ${where} ORDER BY accepted_at DESC NULLS LAST, order_id LIMIT $${values.length - 1} OFFSET $${values.length}`,
      values,
    );
    const found = await this.findAny(rows.map((row) => row['order_id'] as string));
    const byId = new Map(found.map((order) => [order.orderId, order]));
    return rows.map((row) => byId.get(row['order_id'] as string)).filter((order): order is TrackedOrder => order !== undefined);
  }

  /** Per type, the orders waiting in a queue and the oldest of them. */
  async waiting(): Promise<WaitingOrders[]> {
    const { rows } = await this.pool.query(
      `SELECT order_type, count(*)::int AS waiting, min(accepted_at) AS oldest FROM ${this.schema}.orders
       WHERE state = ANY($1) GROUP BY order_type ORDER BY order_type`,
      [WAITING_STATES],
    );
    return rows.map((row) => ({
      type: row['order_type'] as OrderType,
      waiting: row['waiting'] as number,
      ...(row['oldest'] ? { oldestAcceptedAt: (row['oldest'] as Date).toISOString() } : {}),
    }));
  }

  /** Per type, the orders that reached a final state within the last `windowSec` seconds: the drain rate as the tracker sees it. */
  async finishedWithin(windowSec: number): Promise<Map<OrderType, number>> {
    const { rows } = await this.pool.query(
      `SELECT order_type, count(*)::int AS finished FROM ${this.schema}.orders
       WHERE updated_at > now() - make_interval(secs => $1) AND state = ANY($2) GROUP BY order_type`,
      [windowSec, FINAL_STATES],
    );
    return new Map(rows.map((row) => [row['order_type'] as OrderType, row['finished'] as number]));
  }

  /**
   * Removes orders whose last transition is older than `days`, with their timelines and callback
   * deliveries, a chunk at a time so that no transaction holds many locks. Resolves with how many went.
   */
  async removeOlderThan(days: number, chunk = 5000): Promise<number> {
    let removed = 0;
    for (;;) {
      const count = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query(
          `DELETE FROM ${this.schema}.orders WHERE order_id IN (
             SELECT order_id FROM ${this.schema}.orders WHERE updated_at < now() - make_interval(days => $1) LIMIT $2
           ) RETURNING order_id`,
          [days, chunk],
        );
        const ids = rows.map((row) => row['order_id'] as string);
        if (ids.length > 0) {
          await client.query(`DELETE FROM ${this.schema}.order_events WHERE order_id = ANY($1)`, [ids]);
          await client.query(`DELETE FROM ${this.schema}.callback_deliveries WHERE order_id = ANY($1)`, [ids]);
        }
        return ids.length;
      });
      removed += count;
      if (count < chunk) return removed;
    }
  }

  private async positionsOf(client: PoolClient, orderIds: readonly string[]): Promise<Map<string, StoredPosition>> {
    const { rows } = await client.query(
      `SELECT order_id, position, client_id, idempotency_key FROM ${this.schema}.orders WHERE order_id = ANY($1)`,
      [orderIds],
    );
    return new Map(
      rows.map((row) => [
        row['order_id'] as string,
        {
          position: row['position'] as number[],
          clientId: (row['client_id'] as string | null) ?? undefined,
          idempotencyKey: (row['idempotency_key'] as string | null) ?? undefined,
        },
      ]),
    );
  }

  /** One row per order: the latest event of the batch moves it if it is later than what is stored. */
  private async upsertOrders(client: PoolClient, events: readonly OrderLifecycleEvent[]): Promise<void> {
    const latest = new Map<string, OrderLifecycleEvent>();
    const known = new Map<string, Partial<OrderLifecycleEvent>>();
    for (const event of events) {
      const current = latest.get(event.orderId);
      if (!current || compareLifePosition(event, current) > 0) latest.set(event.orderId, event);
      const facts = known.get(event.orderId) ?? {};
      known.set(event.orderId, {
        clientId: facts.clientId ?? event.clientId,
        idempotencyKey: facts.idempotencyKey ?? event.idempotencyKey,
        correlationId: facts.correlationId ?? event.correlationId,
        acceptedAt: facts.acceptedAt ?? event.acceptedAt,
        detail: facts.detail?.summary ? facts.detail : event.detail?.summary ? event.detail : facts.detail,
      });
    }
    const rows = [...latest.values()].map((event) => {
      const facts = known.get(event.orderId) ?? {};
      return [
        event.orderId,
        event.type,
        facts.clientId ?? null,
        facts.idempotencyKey ?? null,
        facts.correlationId ?? null,
        facts.acceptedAt ?? null,
        event.state,
        `{${lifePosition(event).join(',')}}`,
        event.at,
        storedDetailOf(event.detail),
        facts.detail?.summary ? JSON.stringify(facts.detail.summary) : null,
      ];
    });
    const columns = transpose(rows, 11);
    await client.query(
      `INSERT INTO ${this.schema}.orders
         (order_id, order_type, client_id, idempotency_key, correlation_id, accepted_at, state, position, state_at, detail, summary)
       SELECT t.order_id, t.order_type, t.client_id, t.idempotency_key, t.correlation_id, t.accepted_at::timestamptz, t.state,
              t.position::int[], t.state_at::timestamptz, t.detail::jsonb, t.summary::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS t(order_id, order_type, client_id, idempotency_key, correlation_id, accepted_at, state, position, state_at, detail, summary)
       ON CONFLICT (order_id) DO UPDATE SET
         client_id = COALESCE(orders.client_id, EXCLUDED.client_id),
         idempotency_key = COALESCE(orders.idempotency_key, EXCLUDED.idempotency_key),
         correlation_id = COALESCE(orders.correlation_id, EXCLUDED.correlation_id),
         accepted_at = COALESCE(orders.accepted_at, EXCLUDED.accepted_at),
         summary = COALESCE(orders.summary, EXCLUDED.summary),
         state = CASE WHEN EXCLUDED.position > orders.position THEN EXCLUDED.state ELSE orders.state END,
         state_at = CASE WHEN EXCLUDED.position > orders.position THEN EXCLUDED.state_at ELSE orders.state_at END,
         detail = CASE WHEN EXCLUDED.position > orders.position THEN EXCLUDED.detail ELSE orders.detail END,
         position = GREATEST(orders.position, EXCLUDED.position),
         updated_at = now()`,
      columns,
    );
  }

  private async insertEvents(client: PoolClient, events: readonly OrderLifecycleEvent[]): Promise<void> {
    const rows = events.map((event) => [
      event.orderId,
      eventKeyOf(event),
      event.state,
      `{${lifePosition(event).join(',')}}`,
      event.at,
      storedDetailOf(event.detail),
    ]);
    await client.query(
      `INSERT INTO ${this.schema}.order_events (order_id, event_key, state, position, at, detail)
       SELECT t.order_id, t.event_key, t.state, t.position::int[], t.at::timestamptz, t.detail::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(order_id, event_key, state, position, at, detail)
       ON CONFLICT (order_id, event_key) DO NOTHING`,
      transpose(rows, 6),
    );
  }

  private async enqueueCallbacks(client: PoolClient, changes: readonly StateChange[], render: CallbackRenderer): Promise<void> {
    const clients = [...new Set(changes.map((change) => change.clientId).filter((id): id is string => id !== undefined))];
    if (clients.length === 0) return;
    const { rows } = await client.query(
      `SELECT id, client_id, url, secret, format, query, created_at FROM ${this.schema}.callback_subscriptions WHERE client_id = ANY($1)`,
      [clients],
    );
    const subscriptions = rows.map(subscriptionOf);
    const deliveries: CallbackDeliveryRow[] = [];
    for (const change of changes) {
      for (const subscription of subscriptions) {
        if (subscription.clientId !== change.clientId) continue;
        const delivery = await render(subscription, change, client);
        if (delivery) deliveries.push(delivery);
      }
    }
    if (deliveries.length === 0) return;
    const columns = transpose(
      deliveries.map((delivery) => [delivery.subscriptionId, delivery.orderId, delivery.eventId, delivery.body]),
      4,
    );
    await client.query(
      `INSERT INTO ${this.schema}.callback_deliveries (subscription_id, order_id, event_id, body)
       SELECT t.subscription_id::uuid, t.order_id, t.event_id, t.body FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         AS t(subscription_id, order_id, event_id, body)
       ON CONFLICT (subscription_id, event_id) DO NOTHING`,
      columns,
    );
  }

  private async findWhere(where: string, values: unknown[]): Promise<TrackedOrder[]> {
    const { rows } = await this.pool.query(
      `SELECT order_id, order_type, client_id, idempotency_key, correlation_id, accepted_at, state, position, state_at, detail, summary
       FROM ${this.schema}.orders WHERE ${where} ORDER BY accepted_at DESC NULLS LAST LIMIT ${MOST_MATCHES}`,
      values,
    );
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row['order_id'] as string);
    const timelines = await this.timelinesOf(ids);
    return rows.map((row) => trackedOrderOf(row, timelines.get(row['order_id'] as string) ?? []));
  }

  private async timelinesOf(orderIds: readonly string[]): Promise<Map<string, TimelineEntry[]>> {
    const { rows } = await this.pool.query(
      `SELECT order_id, state, position, at, detail FROM ${this.schema}.order_events WHERE order_id = ANY($1) ORDER BY order_id, position, at`,
      [orderIds],
    );
    const timelines = new Map<string, TimelineEntry[]>();
    for (const row of rows) {
      const position = row['position'] as number[];
      const entry: TimelineEntry = {
        state: row['state'] as OrderState,
        at: (row['at'] as Date).toISOString(),
        generation: position[0],
        attempt: position[1],
        ...(row['detail'] ? { detail: row['detail'] as OrderEventDetail } : {}),
      };
      const timeline = timelines.get(row['order_id'] as string) ?? [];
      timeline.push(entry);
      timelines.set(row['order_id'] as string, timeline);
    }
    return timelines;
  }
}

/**
 * The events of a batch that move their order forward, each past the previous one: for every order,
 * its events later than the stored position, in life order. Two events at the same position (applied
 * twice, say) count once.
 */
export function forwardChanges(events: readonly OrderLifecycleEvent[], stored: ReadonlyMap<string, StoredPosition>): StateChange[] {
  const byOrder = new Map<string, OrderLifecycleEvent[]>();
  for (const event of events) byOrder.set(event.orderId, [...(byOrder.get(event.orderId) ?? []), event]);
  const changes: StateChange[] = [];
  for (const [orderId, orderEvents] of byOrder) {
    const known = stored.get(orderId);
    let reached = known?.position;
    const clientId = known?.clientId ?? orderEvents.find((event) => event.clientId)?.clientId;
    const idempotencyKey = known?.idempotencyKey ?? orderEvents.find((event) => event.idempotencyKey)?.idempotencyKey;
    for (const event of [...orderEvents].sort(compareLifePosition)) {
      const position = lifePosition(event);
      if (reached && comparePositions(position, reached) <= 0) continue;
      changes.push({ event, clientId, idempotencyKey });
      reached = position;
    }
  }
  return changes;
}

function comparePositions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function trackedOrderOf(row: Record<string, unknown>, timeline: TimelineEntry[]): TrackedOrder {
  const state = row['state'] as string;
  if (!isOrderState(state)) throw new Error(`order ${String(row['order_id'])} has an unknown state ${state}`);
  const position = row['position'] as number[];
  const optional = (column: string) => (row[column] as string | null) ?? undefined;
  return {
    orderId: row['order_id'] as string,
    type: row['order_type'] as OrderType,
    state,
    stateAt: (row['state_at'] as Date).toISOString(),
    final: isFinalState(state),
    attempt: position[1],
    ...(row['detail'] ? { detail: row['detail'] as OrderEventDetail } : {}),
    clientId: optional('client_id'),
    idempotencyKey: optional('idempotency_key'),
    correlationId: optional('correlation_id'),
    ...(row['accepted_at'] ? { acceptedAt: (row['accepted_at'] as Date).toISOString() } : {}),
    ...(row['summary'] ? { summary: row['summary'] as Record<string, unknown> } : {}),
    timeline,
  };
}

/** The detail an event row keeps: all but the payload summary, which the order row holds; null when nothing is left. */
function storedDetailOf(detail: OrderEventDetail | undefined): string | null {
  if (!detail) return null;
  const { summary: _summary, ...rest } = detail;
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : null;
}

/** Rows of `width` values as `width` arrays of text, for one `unnest` insert of the whole batch. */
function transpose(rows: readonly (string | null)[][], width: number): (string | null)[][] {
  const columns: (string | null)[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.forEach((value, index) => columns[index].push(value));
  return columns;
}
