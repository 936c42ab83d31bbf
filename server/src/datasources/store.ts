import type { Selectable } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { DatasourcesTable } from '../db/sql/schema.ts';
import type { Datasource } from '../../../shared/api/datasources.ts';
import type { SecretBox } from './secret-box.ts';

/** Credentials as the upstream client uses them (decrypted, never leaving the server). */
export type UpstreamAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

/** A data source with what it takes to call it. */
export interface DatasourceRecord extends Datasource {
  credentials: UpstreamAuth | null;
}

export interface DatasourceRow {
  name: string;
  url: string;
  auth: UpstreamAuth | null;
  tlsSkipVerify: boolean;
  timeoutSeconds: number;
  scrapeIntervalSeconds: number;
}

type Row = Selectable<DatasourcesTable>;

/**
 * The `datasources` table on the query layer (SQLite or PostgreSQL, shared by every
 * replica); secrets pass through the SecretBox on their way in and out. The box is
 * awaited per call: on PostgreSQL its key is read from the database once, at first use.
 */
export class DatasourceStore {
  readonly #sql: SqlDatabase;
  readonly #box: Promise<SecretBox>;

  constructor(sql: SqlDatabase, box: SecretBox | Promise<SecretBox>) {
    this.#sql = sql;
    this.#box = Promise.resolve(box);
    // Awaited (and its failure reported) by the first call; not an unhandled rejection meanwhile.
    this.#box.catch(() => undefined);
  }

  /** Resolves once the secrets' key is known; rejects when it cannot be (a malformed SMARTCLOUDOPS_DATASOURCE_KEY). */
  async ready(): Promise<void> {
    await this.#box;
  }

  async list(): Promise<DatasourceRecord[]> {
    const rows = await this.#sql.db.selectFrom('datasources').selectAll().orderBy('name').execute();
    const box = await this.#box;
    return rows.map((row) => toRecord(row, box));
  }

  async byId(id: number): Promise<DatasourceRecord | undefined> {
    const row = await this.#sql.db.selectFrom('datasources').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row, await this.#box) : undefined;
  }

  async byName(name: string): Promise<DatasourceRecord | undefined> {
    const row = await this.#sql.db.selectFrom('datasources').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row, await this.#box) : undefined;
  }

  /** The new record, or undefined when the name is taken (checked by the unique index, so two replicas cannot both win). */
  async create(input: DatasourceRow, by: string, now: number): Promise<DatasourceRecord | undefined> {
    const values = this.#values(input, await this.#box);
    const inserted = await this.#sql.db
      .insertInto('datasources')
      .values({ ...values, type: 'prometheus', created_by: by, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? this.byId(Number(inserted.id)) : undefined;
  }

  /** The replaced record; undefined when it is gone, 'conflict' when the new name is another source's. */
  async replace(id: number, input: DatasourceRow, now: number): Promise<DatasourceRecord | undefined | 'conflict'> {
    const values = this.#values(input, await this.#box);
    try {
      const updated = await this.#sql.db.updateTable('datasources').set({ ...values, updated_at: now }).where('id', '=', id).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return undefined;
    } catch (error) {
      if (isUniqueViolation(error)) return 'conflict';
      throw error;
    }
    return this.byId(id);
  }

  async remove(id: number): Promise<boolean> {
    const deleted = await this.#sql.db.deleteFrom('datasources').where('id', '=', id).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  #values(input: DatasourceRow, box: SecretBox) {
    const auth = input.auth;
    return {
      name: input.name,
      url: input.url,
      auth_type: auth?.type ?? null,
      auth_username: auth?.type === 'basic' ? auth.username : null,
      secret: auth ? box.seal(auth.type === 'basic' ? auth.password : auth.token) : null,
      tls_skip_verify: input.tlsSkipVerify ? 1 : 0,
      timeout_seconds: input.timeoutSeconds,
      scrape_interval_seconds: input.scrapeIntervalSeconds,
    };
  }
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's 23505. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

function toRecord(row: Row, box: SecretBox): DatasourceRecord {
  const authType = row.auth_type;
  const secret = row.secret ? box.open(Buffer.from(row.secret)) : '';
  const credentials: UpstreamAuth | null =
    authType === 'basic' ? { type: 'basic', username: row.auth_username!, password: secret } : authType === 'bearer' ? { type: 'bearer', token: secret } : null;
  return {
    id: Number(row.id),
    name: row.name,
    type: 'prometheus',
    url: row.url,
    auth: authType === 'basic' ? { type: 'basic', username: row.auth_username!, hasPassword: secret !== '' } : authType === 'bearer' ? { type: 'bearer', hasToken: secret !== '' } : null,
    tlsSkipVerify: row.tls_skip_verify === 1,
    timeoutSeconds: row.timeout_seconds,
    scrapeIntervalSeconds: row.scrape_interval_seconds,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    credentials,
  };
}

/** The API view: everything but the credentials. */
export function publicView(record: DatasourceRecord): Datasource {
  const { credentials: _credentials, ...view } = record;
  return view;
}
