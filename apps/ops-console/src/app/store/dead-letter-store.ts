import { inTransaction } from '@bss/order-tracking';
import { Pool, PoolClient } from 'pg';
import {
  CollectedDeadLetter,
  DEAD_LETTER_STATES,
  DeadLetterDetail,
  DeadLetterEvent,
  DeadLetterEventKind,
  DeadLetterFilter,
  DeadLetterState,
  DeadLetterSummary,
  ReplayCandidate,
  StoredCount,
  StoredProperties,
} from './dead-letter';

/** A transaction handed to a caller, with the rows it locked for one operation. */
export interface LockedBatch<T> {
  readonly rows: T[];
  mark(ids: readonly string[], state: DeadLetterState, event: DeadLetterEventKind, actor: string): Promise<void>;
}

interface SelectionQuery {
  readonly ids?: readonly string[];
  readonly type?: string;
}

const SUMMARY_COLUMNS = `id::text AS id, order_id, order_type, reason, last_error, attempts, first_failure_at, dead_lettered_at,
  source_queue, correlation_id, state, collected_at`;

/**
 * The dead-letter store in PostgreSQL. Every dead letter becomes one row that moves from `dead` to
 * `replayed` or `purged` and is never deleted; events (collected, replayed, purged, with who and when)
 * make up its history. The queue itself cannot serve as the store: a quorum queue cannot be filtered
 * or addressed by id, and every message handed back to it counts towards its delivery limit.
 */
export class DeadLetterStore {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.schema = `"${schema}"`;
  }

  static connect(databaseUrl: string, schema: string): DeadLetterStore {
    const pool = new Pool({ connectionString: databaseUrl, max: 5, connectionTimeoutMillis: 5000 });
    pool.on('error', () => undefined);
    return new DeadLetterStore(pool, schema);
  }

  /** Creates the schema and tables if missing; an advisory lock keeps concurrent starts from racing. */
  async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bss-ops-migrate:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.schema}.dead_letters (
        id bigserial PRIMARY KEY,
        dedup_key text NOT NULL UNIQUE,
        order_id text,
        order_type text NOT NULL,
        reason text NOT NULL,
        last_error text,
        attempts integer,
        first_failure_at timestamptz,
        dead_lettered_at text NOT NULL,
        source_queue text,
        correlation_id text,
        headers jsonb NOT NULL,
        properties jsonb NOT NULL,
        body bytea NOT NULL,
        state text NOT NULL DEFAULT 'dead' CHECK (state IN (${DEAD_LETTER_STATES.map((state) => `'${state}'`).join(', ')})),
        collected_at timestamptz NOT NULL DEFAULT now()
      )`);
      await client.query(`CREATE INDEX IF NOT EXISTS dead_letters_type_state ON ${this.schema}.dead_letters (order_type, state)`);
      await client.query(`CREATE INDEX IF NOT EXISTS dead_letters_order_id ON ${this.schema}.dead_letters (order_id)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.schema}.dead_letter_events (
        id bigserial PRIMARY KEY,
        dead_letter_id bigint NOT NULL REFERENCES ${this.schema}.dead_letters (id),
        event text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
      await client.query(`CREATE INDEX IF NOT EXISTS dead_letter_events_dead_letter ON ${this.schema}.dead_letter_events (dead_letter_id)`);
    });
  }

  /** Stores one dead letter and its `collected` event in one transaction; false when it was already stored. */
  async insert(record: CollectedDeadLetter): Promise<boolean> {
    return this.transaction(async (client) => {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO ${this.schema}.dead_letters (dedup_key, order_id, order_type, reason, last_error, attempts, first_failure_at,
           dead_lettered_at, source_queue, correlation_id, headers, properties, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id::text AS id`,
        [
          record.dedupKey,
          record.orderId,
          record.orderType,
          record.reason,
          record.lastError,
          record.attempts,
          record.firstFailureAt,
          record.deadLetteredAt,
          record.sourceQueue,
          record.correlationId,
          JSON.stringify(record.headers),
          JSON.stringify(record.properties),
          record.body,
        ],
      );
      const id = inserted.rows[0]?.id;
      if (id === undefined) return false;
      await this.addEvents(client, [id], 'collected', 'collector');
      return true;
    });
  }

  async list(filter: DeadLetterFilter): Promise<{ items: DeadLetterSummary[]; total: number }> {
    const { where, values } = this.filterClause(filter);
    const total = await this.pool.query<{ count: string }>(`SELECT count(*) FROM ${this.schema}.dead_letters ${where}`, values);
    const rows = await this.pool.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${this.schema}.dead_letters ${where} ORDER BY id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, filter.limit, filter.offset],
    );
    return { items: rows.rows.map(toSummary), total: Number(total.rows[0]?.count ?? 0) };
  }

  async get(id: string): Promise<DeadLetterDetail | undefined> {
    const found = await this.pool.query(
      `SELECT ${SUMMARY_COLUMNS}, headers, properties, body FROM ${this.schema}.dead_letters WHERE id = $1`,
      [id],
    );
    const row = found.rows[0];
    if (!row) return undefined;
    const history = await this.pool.query(
      `SELECT e.dead_letter_id::text AS dead_letter_id, e.event, e.actor, e.at FROM ${this.schema}.dead_letter_events e
       JOIN ${this.schema}.dead_letters d ON d.id = e.dead_letter_id
       WHERE d.id = $1 OR (d.order_id IS NOT NULL AND d.order_id = $2) ORDER BY e.at, e.id`,
      [id, row.order_id],
    );
    const body = row.body as Buffer;
    const utf8 = isUtf8Text(body);
    return {
      ...toSummary(row),
      headers: row.headers as Record<string, unknown>,
      properties: row.properties as StoredProperties,
      body: utf8 ? body.toString('utf8') : body.toString('base64'),
      bodyEncoding: utf8 ? 'utf8' : 'base64',
      history: history.rows.map(
        (event): DeadLetterEvent => ({
          deadLetterId: event.dead_letter_id,
          event: event.event,
          actor: event.actor,
          at: (event.at as Date).toISOString(),
        }),
      ),
    };
  }

  async counts(): Promise<StoredCount[]> {
    const result = await this.pool.query<{ order_type: string; reason: string; state: DeadLetterState; count: string }>(
      `SELECT order_type, reason, state, count(*) FROM ${this.schema}.dead_letters GROUP BY order_type, reason, state`,
    );
    return result.rows.map((row) => ({ type: row.order_type, reason: row.reason, state: row.state, count: Number(row.count) }));
  }

  /**
   * Locks up to `batchSize` rows still `dead` (skipping rows another operation holds), hands them to
   * `work` inside the transaction, and commits whatever `work` marked. Rows stay locked until then,
   * so two operators replaying the same type never publish the same dead letter twice.
   */
  async withLockedDead<R>(
    selection: SelectionQuery,
    batchSize: number,
    work: (batch: LockedBatch<ReplayCandidate>) => Promise<R>,
  ): Promise<R> {
    return this.transaction(async (client) => {
      const values: unknown[] = [];
      const conditions = [`state = 'dead'`];
      if (selection.ids) {
        values.push(selection.ids);
        conditions.push(`id = ANY($${values.length}::bigint[])`);
      }
      if (selection.type) {
        values.push(selection.type);
        conditions.push(`order_type = $${values.length}`);
      }
      values.push(batchSize);
      const locked = await client.query(
        `SELECT id::text AS id, order_type, headers, properties, body FROM ${this.schema}.dead_letters
         WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${values.length} FOR UPDATE SKIP LOCKED`,
        values,
      );
      const rows = locked.rows.map(
        (row): ReplayCandidate => ({
          id: row.id,
          orderType: row.order_type,
          headers: row.headers,
          properties: row.properties,
          body: row.body,
        }),
      );
      return work({
        rows,
        mark: async (ids, state, event, actor) => {
          if (ids.length === 0) return;
          await client.query(`UPDATE ${this.schema}.dead_letters SET state = $1 WHERE id = ANY($2::bigint[])`, [state, ids]);
          await this.addEvents(client, ids, event, actor);
        },
      });
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async addEvents(client: PoolClient, ids: readonly string[], event: DeadLetterEventKind, actor: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.dead_letter_events (dead_letter_id, event, actor) SELECT unnest($1::bigint[]), $2, $3`,
      [ids, event, actor],
    );
  }

  private filterClause(filter: DeadLetterFilter): { where: string; values: unknown[] } {
    const conditions: string[] = [];
    const values: unknown[] = [];
    for (const [column, value] of [
      ['order_type', filter.type],
      ['reason', filter.reason],
      ['state', filter.state],
    ] as const) {
      if (value === undefined) continue;
      values.push(value);
      conditions.push(`${column} = $${values.length}`);
    }
    return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

function toSummary(row: Record<string, unknown>): DeadLetterSummary {
  return {
    id: row['id'] as string,
    orderId: row['order_id'] as string | null,
    type: row['order_type'] as string,
    reason: row['reason'] as string,
    lastError: row['last_error'] as string | null,
    attempts: row['attempts'] as number | null,
    firstFailureAt: row['first_failure_at'] ? (row['first_failure_at'] as Date).toISOString() : null,
    deadLetteredAt: row['dead_lettered_at'] as string,
    sourceQueue: row['source_queue'] as string | null,
    correlationId: row['correlation_id'] as string | null,
    state: row['state'] as DeadLetterState,
    collectedAt: (row['collected_at'] as Date).toISOString(),
  };
}

function isUtf8Text(body: Buffer): boolean {
  return !body.toString('utf8').includes('\uFFFD');
}
