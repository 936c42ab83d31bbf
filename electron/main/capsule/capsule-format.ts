import { constants as bufferLimits } from 'node:buffer';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from '../../../shared/errors.ts';
import { withSafeIntegerBounds } from '../../../shared/api/safe-integer-bounds.ts';
import { CapsulePayloadSchema, CapsulePayloadV1Schema, type CapsulePayload } from './capsule-schema.ts';

/**
 * The capsule file: a fixed 48-byte header, then the gzip'd JSON payload.
 *
 *   0  8  magic   0x89 "SCOCAP" 0x0A  (high byte and newline catch text-mode mangling, as PNG's do)
 *   8  2  format version, big-endian
 *  10  2  reserved, zero
 *  12  4  payload length in bytes, big-endian
 *  16 32  SHA-256 of the payload bytes
 *  48  …  payload: gzip(JSON of CapsulePayload)
 *
 * Versions: 1, the bundle and the pinned series; 2, plus the answers of the incident's
 * data-source queries (`sourceRanges`). Every older version still opens; a newer one is
 * refused with a message to update, never misread.
 */
export const CAPSULE_MAGIC = Buffer.from([0x89, 0x53, 0x43, 0x4f, 0x43, 0x41, 0x50, 0x0a]);
export const CAPSULE_VERSION = 2;
export const CAPSULE_EXTENSION = '.scocapsule';
const HEADER_BYTES = 48;
/** A capsule is one incident; anything this large is not one of ours. */
const MAX_PAYLOAD_BYTES = 1_073_741_824;
/**
 * The most JSON a capsule holds, written or read: one V8 string's worth (~512 MiB), which is
 * all `JSON.stringify` can write and all the reader could turn into text. It also bounds
 * what a gzip bomb (a small file inflating without end) costs the app before it is refused.
 */
export const MAX_CAPSULE_JSON_BYTES = bufferLimits.MAX_STRING_LENGTH;

export type CapsuleProblem = 'foreign' | 'truncated' | 'newer-version' | 'checksum' | 'corrupt' | 'schema';

function tooLarge(): AppError {
  return new AppError('E_PAYLOAD_TOO_LARGE', 'The incident kept offline is too large for one capsule; keep a shorter window of it offline, then export again.');
}

function invalid(problem: CapsuleProblem, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('E_CAPSULE_INVALID', message, { problem, ...details });
}

/** Refuses, with what to do, a capsule the importer would refuse for its size. */
export function encodeCapsule(payload: CapsulePayload, maxJsonBytes = MAX_CAPSULE_JSON_BYTES): Buffer {
  let json: Buffer;
  try {
    json = Buffer.from(JSON.stringify(payload));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw tooLarge();
  }
  if (json.length > maxJsonBytes) throw tooLarge();
  const body = gzipSync(json);
  const header = Buffer.alloc(HEADER_BYTES);
  CAPSULE_MAGIC.copy(header, 0);
  header.writeUInt16BE(CAPSULE_VERSION, 8);
  header.writeUInt32BE(body.length, 12);
  createHash('sha256').update(body).digest().copy(header, 16);
  return Buffer.concat([header, body]);
}

/**
 * Checks everything before anything is used: magic, version, length, checksum, gzip,
 * JSON, schema, and the consistency of each series. Throws E_CAPSULE_INVALID with a
 * `problem` a person can act on.
 */
export function decodeCapsule(file: Buffer, maxJsonBytes = MAX_CAPSULE_JSON_BYTES): CapsulePayload {
  if (file.length < CAPSULE_MAGIC.length || !file.subarray(0, CAPSULE_MAGIC.length).equals(CAPSULE_MAGIC)) {
    throw invalid('foreign', 'This file is not a SmartCloudOps incident capsule.');
  }
  if (file.length < HEADER_BYTES) throw invalid('truncated', 'The capsule is incomplete (cut off inside its header).');
  const version = file.readUInt16BE(8);
  if (version > CAPSULE_VERSION) {
    throw invalid('newer-version', `The capsule was made by a newer version of SmartCloudOps (format ${version}); update the app to open it.`, { version, supported: CAPSULE_VERSION });
  }
  if (version < 1) throw invalid('corrupt', 'The capsule header is damaged.');
  const length = file.readUInt32BE(12);
  if (length > MAX_PAYLOAD_BYTES) throw invalid('corrupt', 'The capsule header is damaged.');
  if (file.length < HEADER_BYTES + length) throw invalid('truncated', 'The capsule is incomplete: the file was cut off.', { expected: HEADER_BYTES + length, actual: file.length });
  if (file.length > HEADER_BYTES + length) throw invalid('corrupt', 'The capsule has unexpected bytes after its end.');
  const body = file.subarray(HEADER_BYTES);
  if (!createHash('sha256').update(body).digest().equals(file.subarray(16, 48))) {
    throw invalid('checksum', 'The capsule is damaged: its checksum does not match its content.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(body, { maxOutputLength: maxJsonBytes }).toString('utf8'));
  } catch {
    throw invalid('corrupt', 'The capsule content cannot be read.');
  }
  const payload = version === 1 ? fromVersion1(parsed) : checked(BOUNDED_PAYLOAD, parsed);
  payload.series.forEach((series, index) => {
    const n = series.ts.length;
    if (series.values.length !== n || series.scores.length !== n) throw invalid('schema', 'A series in the capsule has columns of different lengths.', { series: index });
    for (let i = 1; i < n; i++) {
      if (series.ts[i]! <= series.ts[i - 1]!) throw invalid('schema', 'A series in the capsule is not in time order.', { series: index });
    }
  });
  // The cache keeps one answer per (incident, source, query): a second would silently replace the first.
  const seen = new Set<string>();
  payload.sourceRanges.forEach((range, index) => {
    if (range.toTs < range.fromTs) throw invalid('schema', 'A data-source query in the capsule ends before it starts.', { sourceRange: index });
    const key = `${range.datasourceId}\n${range.query}`;
    if (seen.has(key)) throw invalid('schema', 'A data-source query appears twice in the capsule.', { sourceRange: index });
    seen.add(key);
  });
  return payload;
}

/**
 * The payload schemas with every unbounded integer held to the safe integers: JSON's 1e308 is
 * a whole number to the schema, and an id or time of it reached the cache, whose SqliteError
 * ("datatype mismatch") or RangeError came out instead of a refused capsule.
 */
const BOUNDED_PAYLOAD = withSafeIntegerBounds(CapsulePayloadSchema) as typeof CapsulePayloadSchema;
const BOUNDED_PAYLOAD_V1 = withSafeIntegerBounds(CapsulePayloadV1Schema) as typeof CapsulePayloadV1Schema;

function checked<S extends typeof CapsulePayloadSchema | typeof CapsulePayloadV1Schema>(schema: S, parsed: unknown): Static<S> {
  if (!Value.Check(schema, parsed)) {
    const first = Value.Errors(schema, parsed)[0];
    throw invalid('schema', 'The capsule content is not what this version expects.', { at: first?.instancePath ?? '', reason: first?.message ?? '' });
  }
  return parsed;
}

/** A format-1 capsule in today's shape: it carried no data-source answers. */
function fromVersion1(parsed: unknown): CapsulePayload {
  const v1 = checked(BOUNDED_PAYLOAD_V1, parsed);
  return { ...v1, sourceRanges: [] };
}
