import crypto from 'node:crypto';
import type { Permission, Role } from '../../../shared/auth/permissions.ts';
import { API_KEY_PREFIX, type ApiKey } from '../../../shared/api/api-keys.ts';
import type { SqlDatabase } from '../db/sql/open.ts';

/** A 256-bit random secret needs no slow hash: SHA-256 cannot be brute-forced back to it. */
export const hashSecret = (secret: string): string => crypto.createHash('sha256').update(secret).digest('hex');

interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  owner_id: number;
  owner_username: string;
  role: Role;
  scopes: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A key with what authentication needs of its owner, read in the same query. */
export interface ApiKeyWithOwner {
  key: ApiKey;
  owner: { role: Role; disabled: boolean };
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    ownerId: row.owner_id,
    ownerUsername: row.owner_username,
    role: row.role,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as Permission[]),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

const KEY_COLUMNS = ['k.id', 'k.name', 'k.prefix', 'k.owner_id', 'k.role', 'k.scopes', 'k.created_at', 'k.expires_at', 'k.last_used_at', 'k.revoked_at', 'u.username as owner_username'] as const;

/**
 * API keys on the shared query layer (SQLite or PostgreSQL), stored hashed; the secret leaves
 * the server once, in the creation response. Nothing is cached: every authentication reads
 * the key and its owner, so a key created or revoked on one replica holds on all at once.
 */
export class ApiKeyStore {
  readonly #sql: SqlDatabase;
  readonly #now: () => number;

  constructor(database: SqlDatabase, now: () => number = Date.now) {
    this.#sql = database;
    this.#now = now;
  }

  #select() {
    return this.#sql.db.selectFrom('api_keys as k').innerJoin('users as u', 'u.id', 'k.owner_id');
  }

  async create(input: { name: string; ownerId: number; role: Role; scopes: readonly Permission[] | null; expiresAt: number | null }): Promise<{ key: ApiKey; secret: string }> {
    const secret = `${API_KEY_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    const { id } = await this.#sql.db
      .insertInto('api_keys')
      .values({
        name: input.name,
        prefix: secret.slice(0, API_KEY_PREFIX.length + 8),
        secret_hash: hashSecret(secret),
        owner_id: input.ownerId,
        role: input.role,
        scopes: input.scopes ? JSON.stringify(input.scopes) : null,
        created_at: this.#now(),
        expires_at: input.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { key: (await this.byId(id))!, secret };
  }

  async byId(id: number): Promise<ApiKey | undefined> {
    const row = await this.#select().select(KEY_COLUMNS).where('k.id', '=', id).executeTakeFirst();
    return row && toApiKey(row);
  }

  /** The key a secret belongs to, with its owner's current role and state (one round trip per request). */
  async bySecret(secret: string): Promise<ApiKeyWithOwner | undefined> {
    const row = await this.#select()
      .select([...KEY_COLUMNS, 'u.role as owner_role', 'u.disabled as owner_disabled'] as const)
      .where('k.secret_hash', '=', hashSecret(secret))
      .executeTakeFirst();
    return row && { key: toApiKey(row), owner: { role: row.owner_role, disabled: row.owner_disabled === 1 } };
  }

  /** A key by id with its owner's current role and state (is an open stream's key still good?). */
  async byIdWithOwner(id: number): Promise<ApiKeyWithOwner | undefined> {
    const row = await this.#select()
      .select([...KEY_COLUMNS, 'u.role as owner_role', 'u.disabled as owner_disabled'] as const)
      .where('k.id', '=', id)
      .executeTakeFirst();
    return row && { key: toApiKey(row), owner: { role: row.owner_role, disabled: row.owner_disabled === 1 } };
  }

  /** All keys, or one owner's, newest first. */
  async list(ownerId?: number): Promise<ApiKey[]> {
    let query = this.#select().select(KEY_COLUMNS).orderBy('k.id', 'desc');
    if (ownerId !== undefined) query = query.where('k.owner_id', '=', ownerId);
    return (await query.execute()).map(toApiKey);
  }

  /** True when this call revoked it (false: unknown or revoked before). */
  async revoke(id: number): Promise<boolean> {
    const result = await this.#sql.db.updateTable('api_keys').set({ revoked_at: this.#now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touch(id: number, at: number): Promise<void> {
    await this.#sql.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
