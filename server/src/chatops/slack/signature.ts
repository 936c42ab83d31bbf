import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SqlDatabase } from '../../db/sql/open.ts';

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
 * would otherwise pass. Kept on the query layer (`slack_request_signatures`, its SHA-256),
 * so every replica and a restarted server refuse it too; entries go once they would be
 * stale anyway (a timestamp is accepted up to maxAge either side of now).
 */
export class ReplayGuard {
  readonly #sql: SqlDatabase;
  readonly #windowMs: number;
  #nextSweep = 0;

  constructor(sql: SqlDatabase, maxAgeSeconds: number) {
    this.#sql = sql;
    this.#windowMs = 2 * maxAgeSeconds * 1000;
  }

  /** True the first time a signature is seen, on any replica. */
  async firstUse(signature: string, nowMs: number): Promise<boolean> {
    if (nowMs >= this.#nextSweep) {
      this.#nextSweep = nowMs + 60_000;
      await this.#sql.db.deleteFrom('slack_request_signatures').where('expires_at', '<', nowMs).execute();
    }
    const hash = createHash('sha256').update(signature).digest('hex');
    const inserted = await this.#sql.db
      .insertInto('slack_request_signatures')
      .values({ signature_hash: hash, expires_at: nowMs + this.#windowMs })
      .onConflict((oc) => oc.column('signature_hash').doNothing())
      .executeTakeFirst();
    // An entry outlives its request's freshness (the window spans both sides of now), so a
    // conflict is always a request seen before, never one that could be fresh again.
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
