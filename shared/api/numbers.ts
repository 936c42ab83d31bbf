import { Type } from 'typebox';

/**
 * Declared ranges of the numbers the API takes. The server also bounds any integer
 * without a declared range to the safe integers, and takes integers in query strings and
 * paths only as plain decimal text (server/src/http/validation.ts).
 */
/** Largest Unix ms a JavaScript Date can hold. */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;
/** Largest list offset: deeper pages are not a use, only a way to make SQLite work. */
export const MAX_OFFSET = 1_000_000_000;
/** Widest range-query bucket: one year. */
export const MAX_STEP_MS = 366 * 86_400_000;

export const OffsetSchema = Type.Integer({ minimum: 0, maximum: MAX_OFFSET });

/**
 * A Unix ms time the server stores (an alert's start, a silence's end, a key's expiry): from
 * 1970 to the last day a JavaScript Date holds. Any integer used to be taken, and one beyond
 * that range made every answer that writes it as a date fail (chat's alert and silence
 * lists, the Markdown postmortem) for everyone.
 */
export const TimestampSchema = Type.Integer({ minimum: 0, maximum: MAX_TIMESTAMP_MS });
