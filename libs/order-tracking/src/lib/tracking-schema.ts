import { ORDER_STATES } from '@bss/contracts';
import { Pool } from 'pg';
import { inTransaction } from './pg-transaction';
import { migrateTmf622 } from './tmf622/tmf622-schema';

const STATE_LIST = ORDER_STATES.map((state) => `'${state}'`).join(', ');

/**
 * Creates the tracker's tables if missing. `position` is the event's place in the order's life,
 * (generation, attempt, deferrals, rank): PostgreSQL compares int arrays element by element, which is
 * how the store keeps the current state from ever moving back. An advisory lock keeps concurrent
 * starts (the tracker and producer-api) from racing. The TMF622 tables come with them: the tracker's
 * callback renderer reads them whenever a client has a TMF622 hub.
 */
export async function migrateTracking(pool: Pool, schema: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bss-tracking-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.orders (
      order_id text PRIMARY KEY,
      order_type text NOT NULL,
      client_id text,
      idempotency_key text,
      correlation_id text,
      accepted_at timestamptz,
      state text NOT NULL CHECK (state IN (${STATE_LIST})),
      position int[] NOT NULL,
      state_at timestamptz NOT NULL,
      detail jsonb,
      summary jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS orders_idempotency_key ON ${schema}.orders (idempotency_key)`);
    await client.query(`CREATE INDEX IF NOT EXISTS orders_correlation_id ON ${schema}.orders (correlation_id)`);
    await client.query(`CREATE INDEX IF NOT EXISTS orders_client ON ${schema}.orders (client_id, accepted_at DESC)`);
    await client.query(`CREATE INDEX IF NOT EXISTS orders_updated_at ON ${schema}.orders (updated_at)`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS orders_waiting ON ${schema}.orders (order_type, accepted_at)
       WHERE state IN ('accepted', 'queued', 'retrying', 'deferred', 'replayed')`,
    );
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.order_events (
      order_id text NOT NULL,
      event_key text NOT NULL,
      state text NOT NULL,
      position int[] NOT NULL,
      at timestamptz NOT NULL,
      detail jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (order_id, event_key)
    )`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.callback_subscriptions (
      id uuid PRIMARY KEY,
      client_id text NOT NULL,
      url text NOT NULL,
      secret text NOT NULL,
      format text NOT NULL,
      query text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS callback_subscriptions_client ON ${schema}.callback_subscriptions (client_id)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.callback_deliveries (
      id bigserial PRIMARY KEY,
      subscription_id uuid NOT NULL REFERENCES ${schema}.callback_subscriptions (id) ON DELETE CASCADE,
      order_id text NOT NULL,
      event_id text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'undeliverable')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      UNIQUE (subscription_id, event_id)
    )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS callback_deliveries_pending ON ${schema}.callback_deliveries (subscription_id, order_id, id) WHERE status = 'pending'`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS callback_deliveries_due ON ${schema}.callback_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS callback_deliveries_undeliverable ON ${schema}.callback_deliveries (finished_at) WHERE status = 'undeliverable'`,
    );
  });
  await migrateTmf622(pool, schema);
}
