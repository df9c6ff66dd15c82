import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { newCallbackSecret } from './callback-signature';
import { quotedSchema } from './pg-transaction';

/** What a subscription is sent: our order-state events, or TMF622's ProductOrderStateChangeEvent. */
export const CALLBACK_FORMATS = ['order-state', 'tmf622'] as const;
export type CallbackFormat = (typeof CALLBACK_FORMATS)[number];

/** A client's callback: where its orders' state changes are POSTed, and the secret they are signed with. */
export interface CallbackSubscription {
  readonly id: string;
  readonly clientId: string;
  readonly url: string;
  readonly secret: string;
  readonly format: CallbackFormat;
  /** TMF622 hub query the client registered (kept as given; TMF's own filter syntax). */
  readonly query?: string;
  readonly createdAt: string;
}

/** One event to deliver to one subscription, as stored in the same transaction as the change. */
export interface CallbackDeliveryRow {
  readonly subscriptionId: string;
  readonly orderId: string;
  /** Unique per subscription: a change recorded twice is delivered once. */
  readonly eventId: string;
  readonly body: string;
}

/** A delivery claimed for sending, with where to and how to sign it. */
export interface DueDelivery {
  readonly id: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly body: string;
  readonly attempts: number;
  readonly url: string;
  readonly secret: string;
}

/** A delivery given up after its last attempt, for operators. */
export interface UndeliverableCallback {
  readonly id: string;
  readonly subscriptionId: string;
  readonly clientId: string;
  readonly url: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly attempts: number;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly givenUpAt: string;
}

/** Longest a claimed delivery stays claimed; a sender that died with it releases it by then. */
const LEASE_SEC = 60;

/**
 * Callback subscriptions and their deliveries. A delivery is claimed only when it is the oldest one
 * still pending for its order and subscription, so an order never has two deliveries in flight and
 * its events arrive in the order its state changed; a delivery given up lets the next one go.
 */
export class CallbackStore {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.schema = quotedSchema(schema);
  }

  async subscribe(clientId: string, url: string, format: CallbackFormat, query?: string): Promise<CallbackSubscription> {
    const { rows } = await this.pool.query(
      `INSERT INTO ${this.schema}.callback_subscriptions (id, client_id, url, secret, format, query) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, client_id, url, secret, format, query, created_at`,
      [randomUUID(), clientId, url, newCallbackSecret(), format, query ?? null],
    );
    return subscriptionOf(rows[0]);
  }

  async subscriptionsOf(clientId: string, format?: CallbackFormat): Promise<CallbackSubscription[]> {
    const { rows } = await this.pool.query(
      `SELECT id, client_id, url, secret, format, query, created_at FROM ${this.schema}.callback_subscriptions
       WHERE client_id = $1 AND ($2::text IS NULL OR format = $2) ORDER BY created_at`,
      [clientId, format ?? null],
    );
    return rows.map(subscriptionOf);
  }

  async subscription(clientId: string, id: string): Promise<CallbackSubscription | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query(
      `SELECT id, client_id, url, secret, format, query, created_at FROM ${this.schema}.callback_subscriptions WHERE client_id = $1 AND id = $2`,
      [clientId, id],
    );
    return rows[0] ? subscriptionOf(rows[0]) : undefined;
  }

  /** False when the client has no such subscription; its pending deliveries go with it. */
  async unsubscribe(clientId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.schema}.callback_subscriptions WHERE client_id = $1 AND id = $2`, [clientId, id]);
    return (rowCount ?? 0) > 0;
  }

  /** Claims up to `limit` due deliveries, each the head of its order's line, for `LEASE_SEC`. */
  async claimDue(limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query(
      `WITH heads AS (
         SELECT DISTINCT ON (subscription_id, order_id) id, next_attempt_at, lease_until
         FROM ${this.schema}.callback_deliveries WHERE status = 'pending'
         ORDER BY subscription_id, order_id, id
       ), due AS (
         SELECT d.id FROM ${this.schema}.callback_deliveries d JOIN heads h ON h.id = d.id
         WHERE h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())
         ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE ${this.schema}.callback_deliveries d SET lease_until = now() + make_interval(secs => $2)
       FROM due, ${this.schema}.callback_subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id::text AS id, d.order_id, d.event_id, d.body, d.attempts, s.url, s.secret`,
      [limit, LEASE_SEC],
    );
    return rows.map((row) => ({
      id: row['id'] as string,
      orderId: row['order_id'] as string,
      eventId: row['event_id'] as string,
      body: row['body'] as string,
      attempts: row['attempts'] as number,
      url: row['url'] as string,
      secret: row['secret'] as string,
    }));
  }

  async delivered(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.schema}.callback_deliveries SET status = 'delivered', attempts = attempts + 1, finished_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  /** Records a failed attempt: due again after `retryInMs`, or given up (undeliverable) when there is none. */
  async failed(id: string, error: string, retryInMs: number | undefined): Promise<void> {
    if (retryInMs === undefined) {
      await this.pool.query(
        `UPDATE ${this.schema}.callback_deliveries SET status = 'undeliverable', attempts = attempts + 1, finished_at = now(), lease_until = NULL, last_error = $2 WHERE id = $1`,
        [id, error.slice(0, 1000)],
      );
      return;
    }
    await this.pool.query(
      `UPDATE ${this.schema}.callback_deliveries SET attempts = attempts + 1, lease_until = NULL, last_error = $2,
         next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
      [id, error.slice(0, 1000), retryInMs / 1000],
    );
  }

  /** Deliveries given up, newest first: what operators look at. */
  async undeliverable(limit = 100): Promise<UndeliverableCallback[]> {
    const { rows } = await this.pool.query(
      `SELECT d.id::text AS id, d.subscription_id::text AS subscription_id, s.client_id, s.url, d.order_id, d.event_id, d.attempts, d.last_error,
              d.created_at, d.finished_at
       FROM ${this.schema}.callback_deliveries d JOIN ${this.schema}.callback_subscriptions s ON s.id = d.subscription_id
       WHERE d.status = 'undeliverable' ORDER BY d.finished_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      id: row['id'] as string,
      subscriptionId: row['subscription_id'] as string,
      clientId: row['client_id'] as string,
      url: row['url'] as string,
      orderId: row['order_id'] as string,
      eventId: row['event_id'] as string,
      attempts: row['attempts'] as number,
      ...(row['last_error'] ? { lastError: row['last_error'] as string } : {}),
      createdAt: (row['created_at'] as Date).toISOString(),
      givenUpAt: (row['finished_at'] as Date).toISOString(),
    }));
  }

  /** Deliveries by status, for metrics and the console. */
  async counts(): Promise<Record<'pending' | 'delivered' | 'undeliverable', number>> {
    const { rows } = await this.pool.query(`SELECT status, count(*)::int AS count FROM ${this.schema}.callback_deliveries GROUP BY status`);
    const counts = { pending: 0, delivered: 0, undeliverable: 0 };
    for (const row of rows) counts[row['status'] as keyof typeof counts] = row['count'] as number;
    return counts;
  }
}

export function subscriptionOf(row: Record<string, unknown>): CallbackSubscription {
  return {
    id: row['id'] as string,
    clientId: row['client_id'] as string,
    url: row['url'] as string,
    secret: row['secret'] as string,
    format: row['format'] as CallbackFormat,
    ...(row['query'] ? { query: row['query'] as string } : {}),
    createdAt: (row['created_at'] as Date).toISOString(),
  };
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
