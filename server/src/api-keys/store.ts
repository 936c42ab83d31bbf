import crypto from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Permission, Role } from '../../../shared/auth/permissions.ts';
import { API_KEY_PREFIX, type ApiKey } from '../../../shared/api/api-keys.ts';

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

const SELECT = 'SELECT k.*, u.username AS owner_username FROM api_keys k JOIN users u ON u.id = k.owner_id';

/** API keys, stored hashed; the secret leaves the server once, in the creation response. */
export class ApiKeyStore {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  create(input: { name: string; ownerId: number; role: Role; scopes: readonly Permission[] | null; expiresAt: number | null }): { key: ApiKey; secret: string } {
    const secret = `${API_KEY_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    const result = this.#db
      .prepare('INSERT INTO api_keys (name, prefix, secret_hash, owner_id, role, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(input.name, secret.slice(0, API_KEY_PREFIX.length + 8), hashSecret(secret), input.ownerId, input.role, input.scopes ? JSON.stringify(input.scopes) : null, this.#now(), input.expiresAt);
    return { key: this.byId(Number(result.lastInsertRowid))!, secret };
  }

  byId(id: number): ApiKey | undefined {
    const row = this.#db.prepare(`${SELECT} WHERE k.id = ?`).get(id) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  }

  bySecret(secret: string): ApiKey | undefined {
    const row = this.#db.prepare(`${SELECT} WHERE k.secret_hash = ?`).get(hashSecret(secret)) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  }

  /** All keys, or one owner's, newest first. */
  list(ownerId?: number): ApiKey[] {
    const rows = ownerId === undefined
      ? this.#db.prepare(`${SELECT} ORDER BY k.id DESC`).all()
      : this.#db.prepare(`${SELECT} WHERE k.owner_id = ? ORDER BY k.id DESC`).all(ownerId);
    return (rows as ApiKeyRow[]).map(toApiKey);
  }

  revoke(id: number): boolean {
    return this.#db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.#now(), id).changes > 0;
  }

  touch(id: number, at: number): void {
    this.#db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }
}
