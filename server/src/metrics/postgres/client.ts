import type pg from 'pg';

/** Runs one statement, rows as arrays (the store reads columns by position). */
export type Query = <Row extends unknown[] = unknown[]>(text: string, values?: readonly unknown[]) => Promise<Row[]>;

function queryOn(client: pg.Pool | pg.PoolClient): Query {
  return async <Row extends unknown[]>(text: string, values: readonly unknown[] = []) => {
    const result = await client.query<Row>({ text, values: values as unknown[], rowMode: 'array' });
    return result.rows;
  };
}

/** A statement on any pooled connection: one statement is one snapshot. */
export function poolQuery(pool: pg.Pool): Query {
  return queryOn(pool);
}

/**
 * `work` in one transaction on one connection: committed when it resolves, rolled back
 * when it throws. `readOnly` reads take one snapshot (REPEATABLE READ) for several
 * statements that must agree with each other (a chunk and the head it was sealed from).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (query: Query) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
    try {
      const result = await work(queryOn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/** A chunk's bytes for a bytea parameter (node-postgres sends Buffers as binary). */
export function bytea(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
