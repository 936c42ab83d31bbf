import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' | 'replayed' };

export interface SignedRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/**
 * Checks a request as Slack documents it: the timestamp within `maxAgeSeconds` of our clock
 * (either way), then the signature compared in constant time.
 */
export function verifySlackSignature(secret: string, request: SignedRequest, nowMs: number, maxAgeSeconds: number): SignatureCheck {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > maxAgeSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}

/**
 * Refuses a signature seen before: a captured request replayed within the freshness window
 * would otherwise pass. Entries are forgotten once they would be stale anyway.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;

  constructor(maxAgeSeconds: number) {
    // Timestamps are accepted up to maxAge either side of now.
    this.#windowMs = 2 * maxAgeSeconds * 1000;
  }

  /** True the first time a signature is seen. */
  firstUse(signature: string, nowMs: number): boolean {
    for (const [seen, until] of this.#seen) if (until < nowMs) this.#seen.delete(seen);
    if (this.#seen.has(signature)) return false;
    this.#seen.set(signature, nowMs + this.#windowMs);
    return true;
  }
}
