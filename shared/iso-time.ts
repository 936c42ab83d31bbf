/**
 * `Date#toISOString` that does not throw: a time outside what a Date holds (±8.64e15 ms),
 * or not a number, is written as the number itself. Times the API takes are bounded
 * (shared/api/numbers.ts, TimestampSchema), but rows stored before they were, or by
 * another writer, must not make a whole answer (a chat list, a postmortem) fail.
 */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
