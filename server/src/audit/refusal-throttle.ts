/** Refusals audited per source (a client address, a principal) in a minute, by default; beyond, they are counted and said with the next one audited. */
export const AUDITED_REFUSALS_PER_MINUTE = 10;
/** Sources remembered at once (the oldest window goes first): bounds the memory a spray of addresses can take. */
const MAX_SOURCES = 10_000;
const WINDOW_MS = 60_000;

/**
 * How many refusals of one source are written to the audit log. The log is append-only
 * with no retention, and a refusal costs the sender nothing: the public Slack endpoints
 * audited every unsigned or forged request (anyone could write rows without end, until
 * the disk was full and every write answered 507), and the access guard every request
 * refused for lack of permission (a viewer's loop did the same). Each source gets
 * `perMinute` entries a minute; the refusals beyond are counted, and the next entry of that
 * source says how many were left out (`details.notAudited`).
 */
export class RefusalThrottle {
  readonly #perMinute: number;
  readonly #windows = new Map<string, { start: number; audited: number; skipped: number }>();

  constructor(perMinute = AUDITED_REFUSALS_PER_MINUTE) {
    this.#perMinute = perMinute;
  }

  /** Null: do not audit this one. Otherwise audit it, saying how many of the source's were left out before it. */
  take(source: string, now: number): { notAudited: number } | null {
    const window = this.#windows.get(source);
    if (window && now - window.start >= WINDOW_MS) {
      const notAudited = window.skipped;
      this.#windows.delete(source);
      this.#open(source, now);
      return { notAudited };
    }
    if (!window) {
      this.#open(source, now);
      return { notAudited: 0 };
    }
    if (window.audited >= this.#perMinute) {
      window.skipped += 1;
      return null;
    }
    window.audited += 1;
    return { notAudited: 0 };
  }

  #open(source: string, now: number): void {
    if (this.#windows.size >= MAX_SOURCES) this.#windows.delete(this.#windows.keys().next().value!);
    this.#windows.set(source, { start: now, audited: 1, skipped: 0 });
  }
}
