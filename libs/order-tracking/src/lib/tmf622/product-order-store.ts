import { OrderState, OrderType } from '@bss/contracts';
import { Pool, PoolClient } from 'pg';
import { inTransaction, quotedSchema } from '../pg-transaction';
import { migrateTracking } from '../tracking-schema';
import { maskProductOrderFields, maskProductOrderItem } from './product-order-masking';
import { productOrderView, ProductOrderView, StoredProductOrder, StoredProductOrderItem, TrackedItemOrder } from './product-order-view';
import { migrateTmf622 } from './tmf622-schema';
import { ItemIntakeOutcome, ProductOrderState } from './tmf622-states';

type Queryable = Pool | PoolClient;

/** A product order about to be published: its items already mapped to our orders. */
export interface NewProductOrder {
  readonly id: string;
  readonly clientId: string;
  readonly externalId?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly orderDate: string;
  readonly items: readonly { readonly itemId: string; readonly orderId: string; readonly type: OrderType; readonly item: Readonly<Record<string, unknown>> }[];
}

/** A resend under the same id (the same externalId) whose items are not the ones first sent. */
export class ProductOrderConflictError extends Error {
  constructor(readonly productOrderId: string) {
    super(`product order ${productOrderId} exists with other items: a resend must carry the same items (ids, offerings and actions)`);
    this.name = 'ProductOrderConflictError';
  }
}

/** How many of a client's newest product orders a list filtered by state looks through at most. */
export const STATE_FILTER_SCAN = 1000;

/**
 * TMF622 product orders in the tracking schema. Its tables are created on first use (`ready`), so that
 * producer-api starts, and serves v1, whether PostgreSQL is up or not.
 */
export class ProductOrderStore {
  private readonly schema: string;
  private migrated?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.schema = quotedSchema(schema);
  }

  /** Creates the tracking tables (hubs and orders) and the TMF622 ones once; a failure is retried on the next call. */
  ready(): Promise<void> {
    this.migrated ??= (async () => {
      await migrateTracking(this.pool, this.schema);
      await migrateTmf622(this.pool, this.schema);
    })().catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /**
   * Stores a new product order, masked, with every item `sending`; or, for a resend of a stored one,
   * checks that it carries the same items. Resolves with the items as stored, so the caller sends
   * only those not accepted yet.
   */
  async open(order: NewProductOrder): Promise<{ created: boolean; items: StoredProductOrderItem[] }> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO ${this.schema}.tmf_product_orders (id, client_id, external_id, body, order_date, notified_state)
         VALUES ($1, $2, $3, $4, $5, 'acknowledged') ON CONFLICT (id) DO NOTHING`,
        [order.id, order.clientId, order.externalId ?? null, JSON.stringify(maskProductOrderFields(order.fields)), order.orderDate],
      );
      if ((rowCount ?? 0) > 0) {
        await client.query(
          `INSERT INTO ${this.schema}.tmf_product_order_items (product_order_id, item_id, position, order_id, order_type, item, intake)
           SELECT $1, t.item_id, t.position, t.order_id, t.order_type, t.item::jsonb, 'sending'
           FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) AS t(item_id, position, order_id, order_type, item)`,
          [
            order.id,
            order.items.map((item) => item.itemId),
            order.items.map((_item, index) => index),
            order.items.map((item) => item.orderId),
            order.items.map((item) => item.type),
            order.items.map((item) => JSON.stringify(maskProductOrderItem(item.item))),
          ],
        );
      }
      const [stored] = await storedOrders(client, this.schema, [order.id]);
      const sameItems =
        stored?.clientId === order.clientId &&
        stored.items.length === order.items.length &&
        order.items.every((item) => stored.items.some((kept) => kept.itemId === item.itemId && kept.orderId === item.orderId));
      if (!stored || !sameItems) throw new ProductOrderConflictError(order.id);
      return { created: (rowCount ?? 0) > 0, items: [...stored.items] };
    });
  }

  /** Records what the broker said of each item sent; an item once accepted stays accepted. */
  async recordIntake(productOrderId: string, outcomes: ReadonlyMap<string, ItemIntakeOutcome>): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.schema}.tmf_product_order_items i SET intake = CASE WHEN i.intake = 'accepted' THEN i.intake ELSE t.intake END
       FROM unnest($2::text[], $3::text[]) AS t(item_id, intake)
       WHERE i.product_order_id = $1 AND i.item_id = t.item_id`,
      [productOrderId, [...outcomes.keys()], [...outcomes.values()]],
    );
  }

  /** Drops a product order none of whose items could be queued: to its client, it was never created. */
  async remove(productOrderId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.schema}.tmf_product_orders WHERE id = $1`, [productOrderId]);
  }

  async find(clientId: string, id: string): Promise<ProductOrderView | undefined> {
    if ((await this.ownerOf(id)) !== clientId) return undefined;
    return (await productOrderViews(this.pool, this.schema, [id]))[0];
  }

  /**
   * A client's product orders, newest first. Their state is computed, not stored, so a list filtered by
   * state looks through the newest STATE_FILTER_SCAN of them.
   */
  async list(clientId: string, options: { state?: ProductOrderState; offset: number; limit: number }): Promise<{ total: number; productOrders: ProductOrderView[] }> {
    if (options.state) {
      const ids = await this.newestIds(clientId, STATE_FILTER_SCAN, 0);
      const matching = (await productOrderViews(this.pool, this.schema, ids)).filter((view) => view.state === options.state);
      return { total: matching.length, productOrders: matching.slice(options.offset, options.offset + options.limit) };
    }
    const { rows } = await this.pool.query(`SELECT count(*)::int AS total FROM ${this.schema}.tmf_product_orders WHERE client_id = $1`, [clientId]);
    const ids = await this.newestIds(clientId, options.limit, options.offset);
    return { total: rows[0]['total'] as number, productOrders: await productOrderViews(this.pool, this.schema, ids) };
  }

  private async newestIds(clientId: string, limit: number, offset: number): Promise<string[]> {
    const { rows } = await this.pool.query(
      `SELECT id FROM ${this.schema}.tmf_product_orders WHERE client_id = $1 ORDER BY order_date DESC, id DESC LIMIT $2 OFFSET $3`,
      [clientId, limit, offset],
    );
    return rows.map((row) => row['id'] as string);
  }

  private async ownerOf(id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(`SELECT client_id FROM ${this.schema}.tmf_product_orders WHERE id = $1`, [id]);
    return rows[0]?.['client_id'] as string | undefined;
  }
}

/** The product order an order was made for, if any (each item's order id is its own). */
export async function productOrderIdOf(db: Queryable, schema: string, orderId: string): Promise<string | undefined> {
  const { rows } = await db.query(`SELECT product_order_id FROM ${schema}.tmf_product_order_items WHERE order_id = $1 LIMIT 1`, [orderId]);
  return rows[0]?.['product_order_id'] as string | undefined;
}

/** Product orders as their clients see them now, in the order of `ids` (unknown ids are left out). */
export async function productOrderViews(db: Queryable, schema: string, ids: readonly string[]): Promise<ProductOrderView[]> {
  if (ids.length === 0) return [];
  const orders = await storedOrders(db, schema, ids);
  const orderIds = orders.flatMap((order) => order.items.map((item) => item.orderId));
  const { rows } = await db.query(`SELECT order_id, state, state_at FROM ${schema}.orders WHERE order_id = ANY($1)`, [orderIds]);
  const tracked = new Map<string, TrackedItemOrder>(
    rows.map((row) => [row['order_id'] as string, { state: row['state'] as OrderState, stateAt: (row['state_at'] as Date).toISOString() }]),
  );
  return orders.map((order) => productOrderView(order, tracked));
}

/**
 * Moves the state last announced for a product order to `state`, on behalf of the change `changeKey`.
 * Resolves with the announcement's version when this change is the one that announces `state` (it
 * moved it now, or earlier in this transaction for another hub), undefined when `state` was
 * announced before (the change left the product order's state as it was).
 */
export async function announceState(client: PoolClient, schema: string, productOrderId: string, state: ProductOrderState, changeKey: string): Promise<number | undefined> {
  const { rows } = await client.query(
    `SELECT notified_state, notified_version, notified_by FROM ${schema}.tmf_product_orders WHERE id = $1 FOR UPDATE`,
    [productOrderId],
  );
  const announced = rows[0];
  if (!announced) return undefined;
  if (announced['notified_state'] === state) return announced['notified_by'] === changeKey ? (announced['notified_version'] as number) : undefined;
  const updated = await client.query(
    `UPDATE ${schema}.tmf_product_orders SET notified_state = $2, notified_version = notified_version + 1, notified_by = $3 WHERE id = $1 RETURNING notified_version`,
    [productOrderId, state, changeKey],
  );
  return updated.rows[0]['notified_version'] as number;
}

async function storedOrders(db: Queryable, schema: string, ids: readonly string[]): Promise<StoredProductOrder[]> {
  const orders = await db.query(`SELECT id, client_id, external_id, body, order_date FROM ${schema}.tmf_product_orders WHERE id = ANY($1)`, [ids]);
  const items = await db.query(
    `SELECT product_order_id, item_id, order_id, order_type, item, intake FROM ${schema}.tmf_product_order_items
     WHERE product_order_id = ANY($1) ORDER BY product_order_id, position`,
    [ids],
  );
  const itemsOf = new Map<string, StoredProductOrderItem[]>();
  for (const row of items.rows) {
    const list = itemsOf.get(row['product_order_id'] as string) ?? [];
    list.push({
      itemId: row['item_id'] as string,
      orderId: row['order_id'] as string,
      type: row['order_type'] as OrderType,
      item: row['item'] as Record<string, unknown>,
      intake: row['intake'] as ItemIntakeOutcome,
    });
    itemsOf.set(row['product_order_id'] as string, list);
  }
  const byId = new Map<string, StoredProductOrder>(
    orders.rows.map((row) => [
      row['id'] as string,
      {
        id: row['id'] as string,
        clientId: row['client_id'] as string,
        ...(row['external_id'] ? { externalId: row['external_id'] as string } : {}),
        fields: row['body'] as Record<string, unknown>,
        orderDate: (row['order_date'] as Date).toISOString(),
        items: itemsOf.get(row['id'] as string) ?? [],
      },
    ]),
  );
  return ids.map((id) => byId.get(id)).filter((order): order is StoredProductOrder => order !== undefined);
}
