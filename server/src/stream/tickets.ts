import crypto from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import { STREAM_TICKET_PREFIX } from '../../../shared/api/stream.ts';

export interface TicketHolder {
  userId: number;
  sessionId: string;
}

export interface StreamTicketsOptions {
  ttlMs?: number;
  /** Most tickets waiting at once; beyond, issuing answers 503 (memory stays bounded). */
  maxPending?: number;
  /** Most tickets one user has waiting; a new one beyond takes the place of their oldest. */
  maxPendingPerUser?: number;
  now?: () => number;
}

/** Tickets one user may have waiting: a console asks for one per connection, a few tabs and reconnects at once. */
export const MAX_PENDING_TICKETS_PER_USER = 32;

const hash = (ticket: string) => crypto.createHash('sha256').update(ticket).digest('hex');

/**
 * Single-use, short-lived tickets for the event stream (browsers' EventSource cannot send
 * an Authorization header). A ticket names its session, so revoking the session also
 * voids its tickets; only hashes are kept, in memory (a restart voids them, which costs a
 * reconnect).
 */
export class StreamTickets {
  readonly ttlMs: number;
  readonly #maxPending: number;
  readonly #now: () => number;
  readonly #maxPerUser: number;
  readonly #pending = new Map<string, TicketHolder & { expiresAt: number }>();
  /**
   * Each user's waiting tickets (hashes), oldest first. One user asking for tickets without
   * end (any viewer's script: a ticket is one cheap POST) filled the server's 10,000 within
   * seconds, and every other user's console was refused its live stream (503) for as long
   * as they kept at it; now a user's new ticket beyond their share takes the place of their
   * own oldest, so they can only ever crowd out themselves.
   */
  readonly #byUser = new Map<number, string[]>();

  constructor(options: StreamTicketsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#maxPerUser = options.maxPendingPerUser ?? MAX_PENDING_TICKETS_PER_USER;
    this.#now = options.now ?? Date.now;
  }

  issue(holder: TicketHolder): string {
    const mine = this.#byUser.get(holder.userId) ?? [];
    while (mine.length >= this.#maxPerUser) this.#pending.delete(mine.shift()!);
    if (this.#pending.size >= this.#maxPending) this.#purgeExpired();
    if (this.#pending.size >= this.#maxPending) {
      const retryAfterSeconds = Math.ceil(this.ttlMs / 1000);
      throw Object.assign(new AppError('E_UNAVAILABLE', 'Too many stream tickets are waiting; try again shortly.', { retryAfterSeconds }), {
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    }
    const ticket = `${STREAM_TICKET_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    const key = hash(ticket);
    this.#pending.set(key, { ...holder, expiresAt: this.#now() + this.ttlMs });
    mine.push(key);
    this.#byUser.set(holder.userId, mine);
    return ticket;
  }

  /** Consumes a ticket: its holder, or null when unknown, used already or lapsed. */
  redeem(ticket: string): TicketHolder | null {
    const key = hash(ticket);
    const entry = this.#pending.get(key);
    if (!entry) return null;
    this.#pending.delete(key);
    this.#forget(entry.userId, key);
    return entry.expiresAt > this.#now() ? { userId: entry.userId, sessionId: entry.sessionId } : null;
  }

  get pending(): number {
    return this.#pending.size;
  }

  #purgeExpired(): void {
    const now = this.#now();
    for (const [key, entry] of this.#pending) {
      if (entry.expiresAt > now) continue;
      this.#pending.delete(key);
      this.#forget(entry.userId, key);
    }
  }

  #forget(userId: number, key: string): void {
    const mine = this.#byUser.get(userId);
    if (!mine) return;
    const at = mine.indexOf(key);
    if (at >= 0) mine.splice(at, 1);
    if (mine.length === 0) this.#byUser.delete(userId);
  }
}
