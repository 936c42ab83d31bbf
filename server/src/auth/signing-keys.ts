import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';

export interface SigningKey {
  kid: string;
  /** HS256 secret, base64url. */
  secret: string;
  createdAt: number;
}

/** The file earlier versions kept the keys in; imported once into the database, then removed. */
export const LEGACY_KEY_FILE = 'jwt-keys.json';

/** Advisory lock key of the first start ("SCOkeys"). */
const FIRST_KEY_LOCK = (0x53434f6b657973n).toString();

/** How long a replica signs with the key it knows before looking for a newer one (a rotation elsewhere). */
const REFRESH_MS = 30_000;

/**
 * JWT signing keys, generated on first run and kept in the database (never in the
 * repository or a default), so every replica signs and verifies with the same keys.
 * Tokens carry the key id (`kid`): a rotation signs new tokens with a new key while tokens
 * of the old keys stay valid until they expire. Each replica keeps the keys in memory and
 * re-reads them when a token names a kid it does not know, and every 30 s.
 */
export class SigningKeyStore {
  readonly #sql: SqlDatabase;
  readonly #now: () => number;
  #keys: SigningKey[] = [];
  #loadedAt = -Infinity;

  readonly #dataDir: string;
  #ready: Promise<void> | undefined;

  constructor(sql: SqlDatabase, dataDir: string, now: () => number = Date.now) {
    this.#sql = sql;
    this.#dataDir = dataDir;
    this.#now = now;
  }

  /**
   * Loads the keys, once; on a database without any, imports the data folder's legacy key
   * file or creates the first key. The auth plugin awaits it at start-up.
   */
  ready(): Promise<void> {
    this.#ready ??= this.#open();
    return this.#ready;
  }

  async #open(): Promise<void> {
    await this.#reload();
    if (this.#keys.length > 0) return;
    const legacy = path.join(this.#dataDir, LEGACY_KEY_FILE);
    const imported = readLegacyKeys(legacy);
    await this.#sql.db.transaction().execute(async (trx) => {
      // Replicas starting together queue here; the first creates the keys, the others find them.
      if (this.#sql.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${FIRST_KEY_LOCK})`.execute(trx);
      if ((await trx.selectFrom('signing_keys').select('kid').limit(1).execute()).length > 0) return;
      await trx
        .insertInto('signing_keys')
        .values((imported ?? [newKey()]).map((key) => ({ kid: key.kid, secret: key.secret, created_at: key.createdAt })))
        .execute();
    });
    await this.#reload();
    // The database holds them now; a second copy of the secrets on disk is one too many.
    if (imported) fs.rmSync(legacy, { force: true });
  }

  /** The key that signs new tokens: the newest. */
  async current(): Promise<SigningKey> {
    await this.ready();
    if (this.#now() - this.#loadedAt >= REFRESH_MS) await this.#reload();
    return this.#keys[this.#keys.length - 1]!;
  }

  async find(kid: string): Promise<SigningKey | undefined> {
    await this.ready();
    const known = this.#keys.find((key) => key.kid === kid);
    if (known) return known;
    // Maybe rotated on another replica a moment ago: one point look-up by primary key (as
    // cheap as the session check every request makes), and the full list only when it is there.
    const exists = await this.#sql.db.selectFrom('signing_keys').select('kid').where('kid', '=', kid).executeTakeFirst();
    if (!exists) return undefined;
    await this.#reload();
    return this.#keys.find((key) => key.kid === kid);
  }

  /**
   * Adds a new signing key; keeps the previous ones (at most `keep`) for verification.
   * `recorded` runs inside the transaction (the route's audit entry, which commits with the
   * key, db/sql/transaction-scope.ts); the keys in memory are re-read after the commit.
   */
  async rotate(keep = 3, recorded?: (key: SigningKey) => void): Promise<SigningKey> {
    await this.ready();
    const key = newKey();
    await transaction(this.#sql, async (trx) => {
      await trx.insertInto('signing_keys').values({ kid: key.kid, secret: key.secret, created_at: key.createdAt }).execute();
      const kept = await trx.selectFrom('signing_keys').select('kid').orderBy('created_at', 'desc').orderBy('kid', 'desc').limit(keep).execute();
      await trx
        .deleteFrom('signing_keys')
        .where(
          'kid',
          'not in',
          kept.map((row) => row.kid),
        )
        .execute();
      recorded?.(key);
    });
    await this.#reload();
    return key;
  }

  async #reload(): Promise<void> {
    const rows = await this.#sql.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    this.#keys = rows.map((row) => ({ kid: row.kid, secret: row.secret, createdAt: row.created_at }));
    this.#loadedAt = this.#now();
  }
}

function readLegacyKeys(file: string): SigningKey[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number; keys?: SigningKey[] };
  if (parsed.version !== 1 || !Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error(`${file} is not a valid signing key file`);
  return parsed.keys;
}

function newKey(): SigningKey {
  // Strictly increasing within a process, so "newest" is never a tie between two rotations in one millisecond.
  lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
  return { kid: crypto.randomBytes(8).toString('hex'), secret: crypto.randomBytes(32).toString('base64url'), createdAt: lastCreatedAt };
}
let lastCreatedAt = 0;
