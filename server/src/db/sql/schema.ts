import type { Generated } from 'kysely';
import type { Role } from '../../../../shared/auth/permissions.ts';

/**
 * The tables reachable through the query builder (Kysely), one interface per table, the
 * same on SQLite and PostgreSQL. Only the tables of features already moved to the shared
 * layer are here; the others are still read and written by synchronous better-sqlite3 code
 * (see docs/architecture.md, "Storage: two layers during the move").
 *
 * Conventions that make one query code fit both databases: times are integer milliseconds
 * (BIGINT on PostgreSQL, read back as numbers), flags are 0/1 integers, JSON is TEXT.
 */
export interface SqlSchema {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  login_counters: LoginCountersTable;
  rate_limit_counters: RateLimitCountersTable;
  signing_keys: SigningKeysTable;
  stream_events: StreamEventsTable;
  schema_migrations: SchemaMigrationsTable;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  must_change_password: number;
  created_at: number;
  updated_at: number;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  token_hash: string;
  family: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

/** Failed-login counters per `user:<name>` and `ip:<address>` (lockout). */
export interface LoginCountersTable {
  key: string;
  failures: number;
  window_start: number;
  locked_until: number;
}

/** Fixed-window request counters of the rate limiter, per route and client address. */
export interface RateLimitCountersTable {
  key: string;
  hits: number;
  window_start: number;
}

/** JWT signing keys (HS256 secrets, base64url); the newest signs, all verify. */
export interface SigningKeysTable {
  kid: string;
  secret: string;
  created_at: number;
}

export interface StreamEventsTable {
  id: Generated<number>;
  type: string;
  data: string;
  ts: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}
