import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Long, repetitive text (JSON documents kept for the record, such as an anomaly's
 * explanation: ~7 KB of metric names and figures, a fifth of that deflated) stored deflated
 * as a BLOB. SQLite keeps a BLOB as it is even in a TEXT column, so rows written before as
 * text still read: `unpackText` takes either.
 */
export function packText(text: string): Buffer {
  return deflateRawSync(text);
}

export function unpackText(stored: string | Uint8Array): string {
  return typeof stored === 'string' ? stored : inflateRawSync(stored).toString('utf8');
}
