import { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a pooled client. A checked-out client whose server goes away
 * emits 'error' on itself, which the pool's listener does not see: unheard, it would end the process
 * (PostgreSQL restarting mid-transaction). Here it fails the transaction instead, and the broken
 * client is destroyed rather than pooled again.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken ??= error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/** A pool whose idle clients' errors (the server restarting) are not fatal: the next query reconnects. */
export function connectPool(databaseUrl: string, max: number): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  return pool;
}

/** A schema name as a quoted SQL identifier; config validates it as a lower-case identifier first. */
export function quotedSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return `"${schema}"`;
}
