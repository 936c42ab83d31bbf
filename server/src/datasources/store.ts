import type { Db } from '../db/database.ts';
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

type Row = Record<string, unknown>;

/** The `datasources` table; secrets pass through the SecretBox on their way in and out. */
export class DatasourceStore {
  readonly #db: Db;
  readonly #box: SecretBox;

  constructor(db: Db, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }

  list(): DatasourceRecord[] {
    return (this.#db.prepare('SELECT * FROM datasources ORDER BY name').all() as Row[]).map((row) => this.#toRecord(row));
  }

  byId(id: number): DatasourceRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM datasources WHERE id = ?').get(id) as Row | undefined;
    return row ? this.#toRecord(row) : undefined;
  }

  byName(name: string): DatasourceRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM datasources WHERE name = ?').get(name) as Row | undefined;
    return row ? this.#toRecord(row) : undefined;
  }

  create(input: DatasourceRow, by: string, now: number): DatasourceRecord {
    const id = Number(
      this.#db
        .prepare(`INSERT INTO datasources (name, type, url, auth_type, auth_username, secret, tls_skip_verify, timeout_seconds, scrape_interval_seconds, created_by, created_at, updated_at)
          VALUES (?, 'prometheus', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...this.#values(input), by, now, now).lastInsertRowid,
    );
    return this.byId(id)!;
  }

  replace(id: number, input: DatasourceRow, now: number): DatasourceRecord {
    this.#db
      .prepare(`UPDATE datasources SET name = ?, url = ?, auth_type = ?, auth_username = ?, secret = ?, tls_skip_verify = ?, timeout_seconds = ?,
        scrape_interval_seconds = ?, updated_at = ? WHERE id = ?`)
      .run(...this.#values(input), now, id);
    return this.byId(id)!;
  }

  remove(id: number): boolean {
    return this.#db.prepare('DELETE FROM datasources WHERE id = ?').run(id).changes > 0;
  }

  #values(input: DatasourceRow) {
    const auth = input.auth;
    const secret = auth ? this.#box.seal(auth.type === 'basic' ? auth.password : auth.token) : null;
    return [input.name, input.url, auth?.type ?? null, auth?.type === 'basic' ? auth.username : null, secret, input.tlsSkipVerify ? 1 : 0, input.timeoutSeconds, input.scrapeIntervalSeconds];
  }

  #toRecord(row: Row): DatasourceRecord {
    const authType = row.auth_type as 'basic' | 'bearer' | null;
    const secret = row.secret ? this.#box.open(row.secret as Buffer) : '';
    const credentials: UpstreamAuth | null =
      authType === 'basic' ? { type: 'basic', username: row.auth_username as string, password: secret } : authType === 'bearer' ? { type: 'bearer', token: secret } : null;
    return {
      id: row.id as number,
      name: row.name as string,
      type: 'prometheus',
      url: row.url as string,
      auth: authType === 'basic' ? { type: 'basic', username: row.auth_username as string, hasPassword: secret !== '' } : authType === 'bearer' ? { type: 'bearer', hasToken: secret !== '' } : null,
      tlsSkipVerify: row.tls_skip_verify === 1,
      timeoutSeconds: row.timeout_seconds as number,
      scrapeIntervalSeconds: row.scrape_interval_seconds as number,
      createdBy: row.created_by as string,
      createdAt: row.created_at as number,
      updatedAt: row.updated_at as number,
      credentials,
    };
  }
}

/** The API view: everything but the credentials. */
export function publicView(record: DatasourceRecord): Datasource {
  const { credentials: _credentials, ...view } = record;
  return view;
}
