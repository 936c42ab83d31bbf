import crypto from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import { AppError } from '../../../shared/errors.ts';

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** What a revocation ended: one session (refresh-token family) or every session of a user. */
export type SessionRevocation = { family: string } | { userId: number };
export type RevocationListener = (revoked: SessionRevocation) => void;

/**
 * Rotating, revocable refresh tokens. Only hashes are stored. Each use consumes the token
 * and issues its successor in the same family; a consumed token presented again means it
 * was stolen (or replayed), so the whole family is revoked (RFC 6819 §5.2.2.3).
 */
export class RefreshTokens {
  readonly #db: Db;
  readonly #now: () => number;
  readonly ttlMs: number;
  readonly #listeners = new Set<RevocationListener>();
  #sessionState: Statement | undefined;

  constructor(db: Db, ttlMs = 30 * 24 * 3600_000, now: () => number = Date.now) {
    this.#db = db;
    this.ttlMs = ttlMs;
    this.#now = now;
  }

  /** Starts a session: a new family with its first token. */
  startSession(userId: number): { refreshToken: string; sessionId: string } {
    const sessionId = crypto.randomUUID();
    return { refreshToken: this.issue(userId, sessionId), sessionId };
  }

  issue(userId: number, family: string = crypto.randomUUID()): string {
    const token = `scr_${crypto.randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    this.#db
      .prepare('INSERT INTO refresh_tokens (token_hash, family, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hash(token), family, userId, now, now + this.ttlMs);
    return token;
  }

  /** Consumes a token; returns its user and the successor token. */
  rotate(token: string): { userId: number; refreshToken: string; sessionId: string } {
    const outcome = this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(hash(token)) as
        | { id: number; family: string; user_id: number; expires_at: number; used_at: number | null; revoked_at: number | null }
        | undefined;
      if (!row || row.revoked_at !== null) return { error: new AppError('E_TOKEN_INVALID') };
      if (row.used_at !== null) {
        // Revoked in the same transaction, which then commits: a throw here would roll it back.
        this.revokeFamily(row.family);
        return { error: new AppError('E_TOKEN_INVALID', 'This refresh token was already used; the session has been revoked.') };
      }
      if (row.expires_at <= this.#now()) return { error: new AppError('E_AUTH_EXPIRED', 'The session has expired; sign in again.') };
      this.#db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE id = ?').run(this.#now(), row.id);
      return { userId: row.user_id, refreshToken: this.issue(row.user_id, row.family), sessionId: row.family };
    }).immediate();
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  /** Revokes the family a token belongs to (logout); returns its user, or null for an unknown token. */
  revoke(token: string): number | null {
    const row = this.#db.prepare('SELECT family, user_id FROM refresh_tokens WHERE token_hash = ?').get(hash(token)) as { family: string; user_id: number } | undefined;
    if (!row) return null;
    this.revokeFamily(row.family);
    return row.user_id;
  }

  /**
   * Whether a session has ended: revoked (logout, reuse detection, password change,
   * disabling) or unknown. The table is the revocation set, so it survives a restart, and
   * access tokens of the session stop working at once instead of at their expiry.
   */
  isSessionRevoked(family: string): boolean {
    // Asked on every authenticated request: prepared once, not per call.
    this.#sessionState ??= this.#db.prepare('SELECT COUNT(*) AS n, COUNT(revoked_at) AS revoked FROM refresh_tokens WHERE family = ?');
    const row = this.#sessionState.get(family) as { n: number; revoked: number };
    return row.n === 0 || row.revoked > 0;
  }

  revokeFamily(family: string): void {
    this.#db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL').run(this.#now(), family);
    this.#notify({ family });
  }

  revokeUser(userId: number): void {
    this.#db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(this.#now(), userId);
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
