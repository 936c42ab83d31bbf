import crypto from 'node:crypto';
import type { SecretBox } from '../datasources/secret-box.ts';

/** What the plan hash key is derived for (SecretBox.derive): changing it changes every plan hash. */
const PURPOSE = 'smartcloudops runbook plan hash v1';

/**
 * The plan hash's key: derived from the data source secrets' key, which every replica
 * already shares (SMARTCLOUDOPS_DATASOURCE_KEY, the data folder's key file, or PostgreSQL's
 * key row) and which no API answer shows, so replicas agree on a plan's hash while a viewer
 * cannot compute one.
 */
export async function planHashKey(secrets: Promise<SecretBox>): Promise<Buffer> {
  return (await secrets).derive(PURPOSE);
}

/**
 * HMAC-SHA256 of the plan's canonical JSON. The plan holds the real values of the file's
 * credentials (so a changed token voids approvals) and every viewer sees the hash: a plain
 * digest would let a viewer try the values of a short secret offline against it.
 */
export function planHash(key: Buffer, canonical: string): string {
  return crypto.createHmac('sha256', key).update(canonical).digest('hex');
}
