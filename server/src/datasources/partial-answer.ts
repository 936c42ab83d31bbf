/** VictoriaMetrics writes `isPartial` right after `status`, before the data. */
const HEAD_BYTES = 256;
/** Prometheus and Thanos write `warnings` after the data, at the end. */
const TAIL_BYTES = 64 * 1024;

/**
 * Whether a source's answer says it may be incomplete, read from its bytes without parsing
 * them: VictoriaMetrics cluster's `"isPartial": true`, or any `warnings` (Thanos puts a store
 * that did not answer there; since Prometheus 2.50 its notes go in `infos`, and its warnings
 * are rare). Such an answer is not kept in the proxy's cache, so asking again reaches the source.
 * Only the head and the tail are searched, where those keys are written: the whole of a
 * 2.4 MB answer took ~8 ms. A key cannot be matched inside a string: there its quotes are
 * escaped (`\"warnings\":`).
 */
export function mayBePartial(body: Buffer): boolean {
  const head = body.subarray(0, HEAD_BYTES);
  const tail = body.subarray(Math.max(0, body.length - TAIL_BYTES));
  return keyFollowedBy(head, '"isPartial"', 't') || (keyFollowedBy(tail, '"warnings"', '[') && !keyFollowedBy(tail, '"warnings"', '[]'));
}

/** The key, a colon and then `value` (JSON's optional white space allowed around the colon). */
function keyFollowedBy(body: Buffer, key: string, value: string): boolean {
  for (let at = body.indexOf(key); at !== -1; at = body.indexOf(key, at + 1)) {
    let i = at + key.length;
    while (isSpace(body[i])) i++;
    if (body[i] !== 0x3a) continue;
    i++;
    while (isSpace(body[i])) i++;
    if (value === '[]') {
      if (body[i] !== 0x5b) continue;
      i++;
      while (isSpace(body[i])) i++;
      if (body[i] === 0x5d) return true;
    } else if (body[i] === value.charCodeAt(0)) return true;
  }
  return false;
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
