import { Pool } from 'pg';
import { inTransaction } from '../pg-transaction';
import { ITEM_INTAKE_OUTCOMES, PRODUCT_ORDER_STATES } from './tmf622-states';

const quotedList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * Creates the TMF622 tables in the tracking schema if missing. A product order keeps what its client
 * sent (personal data masked) and, per item, the order it became; its state is never stored but
 * computed from its orders' tracked states. `notified_*` is the state last announced to hubs, so a
 * change is announced once, and `notified_by` the change that announced it, so that every hub of the
 * client gets that same announcement. The advisory lock keeps concurrent first uses from racing.
 */
export async function migrateTmf622(pool: Pool, schema: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bss-tmf622-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.tmf_product_orders (
      id text PRIMARY KEY,
      client_id text NOT NULL,
      external_id text,
      body jsonb NOT NULL,
      order_date timestamptz NOT NULL,
      notified_state text NOT NULL CHECK (notified_state IN (${quotedList(PRODUCT_ORDER_STATES)})),
      notified_version int NOT NULL DEFAULT 0,
      notified_by text
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS tmf_product_orders_client ON ${schema}.tmf_product_orders (client_id, order_date DESC, id)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.tmf_product_order_items (
      product_order_id text NOT NULL REFERENCES ${schema}.tmf_product_orders (id) ON DELETE CASCADE,
      item_id text NOT NULL,
      position int NOT NULL,
      order_id text NOT NULL,
      order_type text NOT NULL,
      item jsonb NOT NULL,
      intake text NOT NULL CHECK (intake IN (${quotedList(ITEM_INTAKE_OUTCOMES)})),
      PRIMARY KEY (product_order_id, item_id)
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS tmf_product_order_items_order ON ${schema}.tmf_product_order_items (order_id)`);
  });
}
