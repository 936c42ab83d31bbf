import { createHash } from 'node:crypto';

/**
 * Longest key kept whole, in UTF-16 units. Series keys (a series' name and sorted labels) are
 * stored in primary keys, and PostgreSQL's btree index refuses entries over 2,704 bytes: a
 * series with many labels (or long values) failed every write there. At most 3 bytes per
 * unit, a key this long stays well inside.
 */
export const MAX_KEY_LENGTH = 512;

/** `key` as it is when short enough; otherwise cut, ending in `…#` and 16 hex digits of the whole key's SHA-256 (still unique). */
export function boundedKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  let cut = MAX_KEY_LENGTH - 32;
  // Never half a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(key[cut - 1]!)) cut--;
  return `${key.slice(0, cut)}…#${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
