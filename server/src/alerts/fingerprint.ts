import { createHash } from 'node:crypto';
import type { Labels } from '../../../shared/api/alerts.ts';

/**
 * The identity of an alert: a hash of its labels, independent of their order. The same
 * labels from any source are the same alert, so a repeated firing updates it in place.
 */
export function fingerprint(labels: Labels): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(labels).sort()) {
    // A separator byte that cannot appear in valid UTF-8 keeps `a=bc` and `ab=c` apart.
    hash.update(name).update('\xff').update(labels[name] ?? '').update('\xfe');
  }
  return hash.digest('hex').slice(0, 16);
}
