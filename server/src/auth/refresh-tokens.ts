import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { SqlSchema } from '../db/sql/schema.ts';
import { compiledOnce } from '../db/sql/compiled-once.ts';
import { AppError } from '../../../shared/errors.ts';
import { toRecord } from '../users/repository.ts';
import type { UserRecord } from '../users/store.ts';

/**
 * The user of a session and whether the session is live, in one statement: every
 * authenticated request asks both, and one statement is one round trip on PostgreSQL and
 * one pass through the query layer on SQLite, where two sequential ones were two.
 */
const sessionUserQuery = compiledOnce(
  (db: Kysely<SqlSchema>, family: string, sameFamily: string, userId: number) =>
    db
      .selectFrom('users')
      .selectAll('users')
      // Whether the session has a token, and whether it has a revoked one: each an EXISTS that
      // stops at the first row (the second through the index of revoked rows, migration 065),
      // not a count over every token the session ever had (one per refresh: a month-long
      // browser session has thousands, which cost every request ~230 µs).
      .select((eb) => [
        eb.exists(eb.selectFrom('refresh_tokens').select('id').where('family', '=', family)).as('session_known'),
        eb.exists(eb.selectFrom('refresh_tokens').select('id').where('family', '=', sameFamily).where('revoked_at', 'is not', null)).as('session_revoked'),
      ])
      .where('users.id', '=', userId),
  ['', '', 0] as [string, string, number],
);

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** What a revocation ended: one session (refresh-token family) or every session of a user. */
export type SessionRevocation = { family: string } | { userId: number };
export type RevocationListener = (revoked: SessionRevocation) => void;

/**
 * Rotating, revocable refresh tokens, on the shared query layer so that every replica
 * sees the same families and revocations. Only hashes are stored. Each use consumes the
 * token and issues its successor in the same family; a consumed token presented again
 * means it was stolen (or replayed), so the whole family is revoked (RFC 6819 §5.2.2.3).
 */
export class RefreshTokens {
  readonly #sql: SqlDatabase;
  readonly #now: () => number;
  readonly ttlMs: number;
  readonly #listeners = new Set<RevocationListener>();

  constructor(sql: SqlDatabase, ttlMs = 30 * 24 * 3600_000, now: () => number = Date.now) {
    this.#sql = sql;
    this.ttlMs = ttlMs;
    this.#now = now;
  }

  /** Starts a session: a new family with its first token. */
  async startSession(userId: number): Promise<{ refreshToken: string; sessionId: string }> {
    const sessionId = crypto.randomUUID();
    return { refreshToken: await this.issue(userId, sessionId), sessionId };
  }

  async issue(userId: number, family: string = crypto.randomUUID(), db = this.#sql.db): Promise<string> {
    const token = `scr_${crypto.randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    await db.insertInto('refresh_tokens').values({ token_hash: hash(token), family, user_id: userId, created_at: now, expires_at: now + this.ttlMs }).execute();
    return token;
  }

  /**
   * Consumes a token; returns its user and the successor token. The consuming UPDATE is
   * conditional (unused, unrevoked, unexpired), so of two replicas racing with one token
   * exactly one wins; the loser then sees a used token and revokes the family.
   */
  async rotate(token: string): Promise<{ userId: number; refreshToken: string; sessionId: string }> {
    const now = this.#now();
    const outcome = await this.#sql.db.transaction().execute(async (trx) => {
      const consumed = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', hash(token))
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['user_id', 'family'])
        .executeTakeFirst();
      if (consumed) return { userId: consumed.user_id, refreshToken: await this.issue(consumed.user_id, consumed.family, trx), sessionId: consumed.family };
      const row = await trx.selectFrom('refresh_tokens').select(['family', 'used_at', 'revoked_at']).where('token_hash', '=', hash(token)).executeTakeFirst();
      if (!row || row.revoked_at !== null) return { error: new AppError('E_TOKEN_INVALID') };
      if (row.used_at !== null) {
        // Revoked in the same transaction, which then commits: a throw here would roll it back.
        await this.revokeFamily(row.family, trx);
        return { error: new AppError('E_TOKEN_INVALID', 'This refresh token was already used; the session has been revoked.') };
      }
      return { error: new AppError('E_AUTH_EXPIRED', 'The session has expired; sign in again.') };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  /** Revokes the family a token belongs to (logout); returns its user, or null for an unknown token. */
  async revoke(token: string): Promise<number | null> {
    const row = await this.#sql.db.selectFrom('refresh_tokens').select(['family', 'user_id']).where('token_hash', '=', hash(token)).executeTakeFirst();
    if (!row) return null;
    await this.revokeFamily(row.family);
    return row.user_id;
  }

  /**
   * What authenticating a request needs: the user (undefined when gone) and whether the
   * session is live, i.e. known and not revoked (logout, reuse detection, password change,
   * disabling). The table is the revocation set, in the database every replica reads, so
   * access tokens of an ended session stop working at once everywhere.
   */
  async sessionUser(family: string, userId: number): Promise<{ user: UserRecord | undefined; live: boolean }> {
    const row = (await sessionUserQuery(this.#sql.db, family, family, userId)).rows[0];
    if (!row) return { user: undefined, live: false };
    // 1/0 from SQLite, true/false from PostgreSQL.
    const { session_known: known, session_revoked: revoked, ...user } = row;
    return { user: toRecord(user), live: Number(known) === 1 && Number(revoked) === 0 };
  }

  async revokeFamily(family: string, db = this.#sql.db): Promise<void> {
    await db.updateTable('refresh_tokens').set({ revoked_at: this.#now() }).where('family', '=', family).where('revoked_at', 'is', null).execute();
    this.#notify({ family });
  }

  async revokeUser(userId: number): Promise<void> {
    await this.#sql.db.updateTable('refresh_tokens').set({ revoked_at: this.#now() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    this.#notify({ userId });
  }

  /**
   * Called after every revocation, so what outlives a request (open event streams, cached
   * token checks) ends with the session instead of at its next check. Returns unsubscribe.
   */
  onRevoked(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(revoked: SessionRevocation): void {
    for (const listener of this.#listeners) listener(revoked);
  }
}
