/** Refusals audited per client address in a minute; beyond, they are counted and said with the next one audited. */
export const AUDITED_REFUSALS_PER_MINUTE = 10;
/** Addresses remembered at once (the oldest window goes first): bounds the memory an address spray can take. */
const MAX_ADDRESSES = 10_000;
const WINDOW_MS = 60_000;

/**
 * How many refused (unsigned, forged, stale, replayed) Slack requests of one address are
 * written to the audit log. The Slack endpoints are public, and every refusal was an audit
 * row: anyone who could reach them could write rows without end into the append-only log
 * (no retention) until the disk was full and every write of the server answered 507.
 * Each address gets `perMinute` entries a minute; the refusals beyond are counted, and the
 * next entry of that address says how many were left out (`details.notAudited`).
 */
export class RefusalThrottle {
  readonly #perMinute: number;
  readonly #windows = new Map<string, { start: number; audited: number; skipped: number }>();

  constructor(perMinute = AUDITED_REFUSALS_PER_MINUTE) {
    this.#perMinute = perMinute;
  }

  /** Null: do not audit this one. Otherwise audit it, saying how many of the address's were left out before it. */
  take(address: string, now: number): { notAudited: number } | null {
    const window = this.#windows.get(address);
    if (window && now - window.start >= WINDOW_MS) {
      const notAudited = window.skipped;
      this.#windows.delete(address);
      this.#open(address, now);
      return { notAudited };
    }
    if (!window) {
      this.#open(address, now);
      return { notAudited: 0 };
    }
    if (window.audited >= this.#perMinute) {
      window.skipped += 1;
      return null;
    }
    window.audited += 1;
    return { notAudited: 0 };
  }

  #open(address: string, now: number): void {
    if (this.#windows.size >= MAX_ADDRESSES) this.#windows.delete(this.#windows.keys().next().value!);
    this.#windows.set(address, { start: now, audited: 1, skipped: 0 });
  }
}
