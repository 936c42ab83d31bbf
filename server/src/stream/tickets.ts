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
  now?: () => number;
}

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
  readonly #pending = new Map<string, TicketHolder & { expiresAt: number }>();

  constructor(options: StreamTicketsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  issue(holder: TicketHolder): string {
    if (this.#pending.size >= this.#maxPending) this.#purgeExpired();
    if (this.#pending.size >= this.#maxPending) {
      const retryAfterSeconds = Math.ceil(this.ttlMs / 1000);
      throw Object.assign(new AppError('E_UNAVAILABLE', 'Too many stream tickets are waiting; try again shortly.', { retryAfterSeconds }), {
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    }
    const ticket = `${STREAM_TICKET_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    this.#pending.set(hash(ticket), { ...holder, expiresAt: this.#now() + this.ttlMs });
    return ticket;
  }

  /** Consumes a ticket: its holder, or null when unknown, used already or lapsed. */
  redeem(ticket: string): TicketHolder | null {
    const key = hash(ticket);
    const entry = this.#pending.get(key);
    if (!entry) return null;
    this.#pending.delete(key);
    return entry.expiresAt > this.#now() ? { userId: entry.userId, sessionId: entry.sessionId } : null;
  }

  get pending(): number {
    return this.#pending.size;
  }

  #purgeExpired(): void {
    const now = this.#now();
    for (const [key, entry] of this.#pending) if (entry.expiresAt <= now) this.#pending.delete(key);
  }
}
