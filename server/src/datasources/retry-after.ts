/** The longest a source's Retry-After is honoured: a typo or a hostile server must not silence a source for a day. */
export const MAX_BACKOFF_SECONDS = 300;
/** A 429 without Retry-After still means "not now": this long. */
export const DEFAULT_BACKOFF_SECONDS = 5;

/**
 * Seconds to wait from an HTTP `Retry-After` value (delay-seconds or an HTTP date, RFC 9110
 * 10.2.3), at least 1 and at most MAX_BACKOFF_SECONDS; undefined when absent or unreadable.
 */
export function retryAfterSeconds(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const seconds = /^\d+$/.test(text) ? Number(text) : (Date.parse(text) - nowMs) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(MAX_BACKOFF_SECONDS, Math.max(1, Math.ceil(seconds)));
}
