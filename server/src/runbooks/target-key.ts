/**
 * The form a run's target is stored and counted in (cooldown, concurrency, one open proposal
 * per target). Host and service names are case-insensitive and people (and alert labels)
 * write them with stray whitespace or in fullwidth forms; without this, `WEB-1` or
 * `" web-1"` would get limits of their own and a second restart of the same host would pass.
 * NFKC folds compatibility forms (fullwidth letters), then surrounding whitespace goes and
 * the rest is lower-cased.
 */
export function canonicalTarget(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}
